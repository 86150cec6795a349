export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __tremplinPg?: { stop(): Promise<void> } }).__tremplinPg?.stop();
}
