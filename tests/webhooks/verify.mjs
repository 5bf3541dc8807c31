// A receiver's check of a Peer Power webhook, written apart from the app (Node's own crypto):
// reads {"secret", "timestamp", "signature", "body"} as JSON on stdin, prints "valid" or
// "invalid". The signature is "v1=" + hex(HMAC-SHA256(secret, timestamp + "." + body)).
import { createHmac, timingSafeEqual } from "node:crypto";

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { secret, timestamp, signature, body } = JSON.parse(input);
  const expected = Buffer.from(
    "v1=" + createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex"),
  );
  const given = Buffer.from(signature);
  const ok = expected.length === given.length && timingSafeEqual(expected, given);
  process.stdout.write(ok ? "valid" : "invalid");
});
