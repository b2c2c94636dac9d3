package io.nex.cli.ui;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A CloudEvent as the events table shows it, with the workload it concerns pulled out of
 * {@code data} for filtering. Events carry no secrets (SPEC §4), so {@code data} goes as sent.
 */
record EventView(String id, String type, String time, String source, String namespace, String workload,
    JsonNode data) {}
