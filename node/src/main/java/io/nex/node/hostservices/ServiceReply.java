package io.nex.node.hostservices;

/** The answer to one host-service call: an HTTP-like code, a message, and a body. */
record ServiceReply(int code, String message, byte[] body) {
  static ServiceReply ok(byte[] body) {
    return new ServiceReply(200, "OK", body);
  }

  static ServiceReply ok() {
    return ok(new byte[0]);
  }

  static ServiceReply notFound(String message) {
    return new ServiceReply(404, message, new byte[0]);
  }

  static ServiceReply badRequest(String message) {
    return new ServiceReply(400, message, new byte[0]);
  }

  static ServiceReply forbidden(String message) {
    return new ServiceReply(403, message, new byte[0]);
  }

  static ServiceReply failed(String message) {
    return new ServiceReply(500, message, new byte[0]);
  }
}
