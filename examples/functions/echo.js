// A javascript function: replies with the payload read as text. The reply is the return value
// JSON-encoded, so "hello" comes back as "hello" with its quotes.
(subject, payload) => {
  const text = new TextDecoder().decode(payload);
  console.log(`echo on ${subject}: ${payload.length} bytes`);
  return text;
}
