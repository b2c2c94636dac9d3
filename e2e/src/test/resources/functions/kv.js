// Stores the payload under "last" in the workload's KV bucket, reads it back, lists the keys.
(subject, payload) => {
  hostServices.kv.set("last", payload);
  const back = hostServices.kv.get("last");
  return { subject: subject, stored: new TextDecoder().decode(back), keys: hostServices.kv.keys() };
}
