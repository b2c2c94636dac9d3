package io.nex.agent.function;

import java.util.List;
import java.util.Map;

/**
 * What a function may reach outside itself. The agent implements it over NATS RPC to the node;
 * each call blocks until the node answers or its own timeout passes. A service the node does not
 * offer throws {@link HostServiceException} with the node's reason. Calls come from invocation
 * threads, several at once when invocations overlap.
 */
public interface HostServices {
  /** Returns null if the key is absent. */
  byte[] kvGet(String key) throws HostServiceException;

  void kvSet(String key, byte[] value) throws HostServiceException;

  void kvDelete(String key) throws HostServiceException;

  List<String> kvKeys() throws HostServiceException;

  /** Returns null if the object is absent. */
  byte[] objectGet(String name) throws HostServiceException;

  /** Returns the stored object's info as the node answers it: the JSON of a JetStream ObjectInfo (Nex's reply). */
  byte[] objectPut(String name, byte[] data) throws HostServiceException;

  void objectDelete(String name) throws HostServiceException;

  /** Returns the JSON array of the objects' infos, as the node answers it (Nex's reply). */
  byte[] objectList() throws HostServiceException;

  void publish(String subject, byte[] payload) throws HostServiceException;

  byte[] request(String subject, byte[] payload) throws HostServiceException;

  List<byte[]> requestMany(String subject, byte[] payload) throws HostServiceException;

  /** {@code method} is lower case, as in the RPC subject: get, post, put, patch, delete, head. */
  HttpResult http(String method, String url, byte[] body, Map<String, String> headers) throws HostServiceException;

  record HttpResult(int status, Map<String, String> headers, byte[] body) {}
}
