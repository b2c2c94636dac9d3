// node request.mjs <url> <subject> <payload> [count]: sends count requests, prints each reply on a line.
import { connect } from "@nats-io/transport-node";

const [url, subject, payload, count = "1"] = process.argv.slice(2);
const nc = await connect({ servers: url, timeout: 5000 });
try {
  for (let i = 0; i < Number(count); i++) {
    const reply = await nc.request(subject, payload, { timeout: 5000 });
    console.log(reply.string());
  }
} finally {
  await nc.close();
}
