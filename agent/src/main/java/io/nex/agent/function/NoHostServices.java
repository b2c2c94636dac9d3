package io.nex.agent.function;

import java.util.List;
import java.util.Map;

/** Host services that refuse every call: for running a function where none are offered (warming up). */
public final class NoHostServices implements HostServices {
  private static HostServiceException refused() {
    return new HostServiceException("no host services here");
  }

  @Override public byte[] kvGet(String key) throws HostServiceException { throw refused(); }

  @Override public void kvSet(String key, byte[] value) throws HostServiceException { throw refused(); }

  @Override public void kvDelete(String key) throws HostServiceException { throw refused(); }

  @Override public List<String> kvKeys() throws HostServiceException { throw refused(); }

  @Override public byte[] objectGet(String name) throws HostServiceException { throw refused(); }

  @Override public byte[] objectPut(String name, byte[] data) throws HostServiceException { throw refused(); }

  @Override public void objectDelete(String name) throws HostServiceException { throw refused(); }

  @Override public byte[] objectList() throws HostServiceException { throw refused(); }

  @Override public void publish(String subject, byte[] payload) throws HostServiceException { throw refused(); }

  @Override public byte[] request(String subject, byte[] payload) throws HostServiceException { throw refused(); }

  @Override public List<byte[]> requestMany(String subject, byte[] payload) throws HostServiceException { throw refused(); }

  @Override
  public HttpResult http(String method, String url, byte[] body, Map<String, String> headers) throws HostServiceException {
    throw refused();
  }
}
