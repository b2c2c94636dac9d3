// An async function awaiting a host service: counts its calls in the workload's KV bucket.
async (subject, payload) => {
  const stored = await hostServices.kv.get('count');
  const count = (stored === null ? 0 : Number(new TextDecoder().decode(stored))) + 1;
  await hostServices.kv.set('count', String(count));
  return { subject, count, said: new TextDecoder().decode(payload) };
}
