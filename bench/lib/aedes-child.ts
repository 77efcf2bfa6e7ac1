/**
 * The `connections` baseline: bare aedes (the broker the app embeds) with its defaults, on a
 * free loopback port, in a process of its own. Prints `MQTT broker: mqtt://127.0.0.1:PORT`
 * like `npm run serve` does.
 */
import { createServer, type AddressInfo } from 'node:net'
import { Aedes } from 'aedes'

const broker = await Aedes.createBroker()
const server = createServer(broker.handle)
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
process.stdout.write(`MQTT broker: mqtt://127.0.0.1:${(server.address() as AddressInfo).port}\n`)
const stop = (): void => {
  server.close()
  broker.close(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
