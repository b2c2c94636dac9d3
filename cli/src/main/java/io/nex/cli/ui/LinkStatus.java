package io.nex.cli.ui;

/** The control-plane connection as the page's banner shows it (SSE {@code link}). */
record LinkStatus(String server, boolean connected, String message) {}
