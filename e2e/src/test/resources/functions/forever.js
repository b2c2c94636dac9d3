// Never returns unless the payload is "quick": the node's timeout must stop it.
(subject, payload) => {
  if (new TextDecoder().decode(payload) === "quick") {
    return "quick";
  }
  while (true) {}
}
