package io.nex.node.preflight;

/**
 * One preflight item: what was looked for, whether it is there, what was found or is wrong, and
 * the fix. {@code required} marks items the chosen sandbox cannot run without.
 */
public record Check(String name, boolean ok, String detail, String fix, boolean required) {}
