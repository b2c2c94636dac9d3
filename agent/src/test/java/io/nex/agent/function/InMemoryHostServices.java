package io.nex.agent.function;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A test double: a kv bucket and an object store in maps, canned replies for messaging and http,
 * and a log of every call as text ("kvSet greeting=hello"). {@link #disable} makes every call
 * fail the way a node without host services answers.
 */
class InMemoryHostServices implements HostServices {
  final Map<String, byte[]> kv = Collections.synchronizedMap(new TreeMap<>());
  final Map<String, byte[]> objects = Collections.synchronizedMap(new TreeMap<>());
  final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  private volatile String disabledReason;

  InMemoryHostServices disable(String reason) {
    disabledReason = reason;
    return this;
  }

  private void record(String call) throws HostServiceException {
    calls.add(call);
    if (disabledReason != null) {
      throw new HostServiceException(disabledReason);
    }
  }

  private static String text(byte[] bytes) {
    return new String(bytes, UTF_8);
  }

  @Override
  public byte[] kvGet(String key) throws HostServiceException {
    record("kvGet " + key);
    return kv.get(key);
  }

  @Override
  public void kvSet(String key, byte[] value) throws HostServiceException {
    record("kvSet " + key + "=" + text(value));
    kv.put(key, value);
  }

  @Override
  public void kvDelete(String key) throws HostServiceException {
    record("kvDelete " + key);
    kv.remove(key);
  }

  @Override
  public List<String> kvKeys() throws HostServiceException {
    record("kvKeys");
    return List.copyOf(kv.keySet());
  }

  @Override
  public byte[] objectGet(String name) throws HostServiceException {
    record("objectGet " + name);
    return objects.get(name);
  }

  @Override
  public byte[] objectPut(String name, byte[] data) throws HostServiceException {
    record("objectPut " + name + "=" + text(data));
    objects.put(name, data);
    return info(name, data).getBytes(StandardCharsets.UTF_8);
  }

  /** The fields of a JetStream ObjectInfo that a script reads most. */
  private static String info(String name, byte[] data) {
    return "{\"name\":\"" + name + "\",\"bucket\":\"hs_test_obj\",\"size\":" + data.length + "}";
  }

  @Override
  public void objectDelete(String name) throws HostServiceException {
    record("objectDelete " + name);
    objects.remove(name);
  }

  @Override
  public byte[] objectList() throws HostServiceException {
    record("objectList");
    synchronized (objects) {
      return objects.entrySet().stream().map(e -> info(e.getKey(), e.getValue()))
          .collect(Collectors.joining(",", "[", "]")).getBytes(StandardCharsets.UTF_8);
    }
  }

  @Override
  public void publish(String subject, byte[] payload) throws HostServiceException {
    record("publish " + subject + " " + text(payload));
  }

  @Override
  public byte[] request(String subject, byte[] payload) throws HostServiceException {
    record("request " + subject + " " + text(payload));
    return ("reply to " + text(payload)).getBytes(UTF_8);
  }

  @Override
  public List<byte[]> requestMany(String subject, byte[] payload) throws HostServiceException {
    record("requestMany " + subject + " " + text(payload));
    return List.of("one".getBytes(UTF_8), "two".getBytes(UTF_8));
  }

  @Override
  public HttpResult http(String method, String url, byte[] body, Map<String, String> headers)
      throws HostServiceException {
    record("http " + method + " " + url + " " + new TreeMap<>(headers) + " " + text(body));
    return new HttpResult(201, Map.of("content-type", "text/plain"), ("fetched " + url).getBytes(UTF_8));
  }
}
