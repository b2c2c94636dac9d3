// replies with a JSON string of 9 MiB: more than the control plane's max_payload (8 MB in the tests)
(subject, payload) => 'x'.repeat(9 * 1024 * 1024)
