package io.nex.api.agent;

/** Headers of the trigger and host-services protocols (SPEC §5, §6). */
public final class FunctionHeaders {
  /** On {@code agentint.{id}.trigger}: the subject the triggering message arrived on. */
  public static final String TRIGGER_SUBJECT = "x-nex-trigger-subject";
  /** On a trigger reply: how long the function ran, in nanoseconds. */
  public static final String RUNTIME_NS = "x-nex-runtime-ns";
  /** On a trigger reply, and on the reply to the triggering client: why the function failed. */
  public static final String ERROR = "x-nex-error";
  /** On a trigger reply over the internal server, when the trigger was traced: the agent's spans ({@link AgentSpan}, base64) (ours). */
  public static final String SPANS = "x-nex-spans";

  public static final String KV_KEY = "x-keyvalue-key";
  public static final String OBJECT_NAME = "x-object-name";
  public static final String SUBJECT = "x-subject";
  public static final String HTTP_URL = "x-http-url";
  /** Request headers of a host-services http call, as a JSON object (ours). */
  public static final String HTTP_HEADERS = "x-http-headers";
  /** On a host-services reply: HTTP-like status (200, 404, 500, ...). */
  public static final String HS_CODE = "x-nex-hs-code";
  public static final String HS_MESSAGE = "x-nex-hs-msg";

  private FunctionHeaders() {}
}
