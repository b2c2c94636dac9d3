package io.nex.api;

/** The {@code type} strings of reply envelopes, as Nex 0.2.7 names them. */
public final class ResponseTypes {
  public static final String PING = "io.nats.nex.v1.ping_response";
  public static final String AUCTION = "io.nats.nex.v1.auction_response";
  public static final String WORKLOAD_PING = "io.nats.nex.v1.workload_ping_response";
  public static final String INFO = "io.nats.nex.v1.info_response";
  public static final String RUN = "io.nats.nex.v1.run_response";
  public static final String STOP = "io.nats.nex.v1.stop_response";
  public static final String LAMEDUCK = "io.nats.nex.v1.lameduck_response";

  private ResponseTypes() {}
}
