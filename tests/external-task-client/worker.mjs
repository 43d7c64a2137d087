// A Camunda 7 external task worker built with the real camunda-external-task-client-js (3.1.0), run against
// ./egov serve by EGov.Workflows.Host.Tests (NodeWorkerTests). Usage: node worker.mjs BASE_URL TASKS [TIMEOUT_MS]
// It serves the topic "gebuehr-einziehen" and, by the process variable "ausgang", completes the task with variables
// ("ok"), reports a failure without retries ("fehler"), or reports the BPMN error ZAHLUNG_ABGELEHNT ("abgelehnt").
// It prints one JSON line per task and exits 0 once TASKS tasks are handled, 1 on timeout or error.
// It signs in as Camunda workers do, with HTTP Basic: the machine client's id and secret from EGOV_CLIENT_ID and
// EGOV_CLIENT_SECRET (./egov clients add NAME --roles worker --topics gebuehr-einziehen prints the secret).
import { Client, Variables, BasicAuthInterceptor } from "camunda-external-task-client-js";

const [baseUrl, expectedArg, timeoutArg] = process.argv.slice(2);
if (!baseUrl || !expectedArg) {
  console.error("usage: node worker.mjs BASE_URL TASKS [TIMEOUT_MS]");
  process.exit(2);
}
const expected = Number(expectedArg);
const timeoutMs = Number(timeoutArg ?? 60000);

const interceptors = process.env.EGOV_CLIENT_ID
  ? new BasicAuthInterceptor({ username: process.env.EGOV_CLIENT_ID, password: process.env.EGOV_CLIENT_SECRET ?? "" })
  : undefined;

const client = new Client({
  interceptors,
  baseUrl: `${baseUrl.replace(/\/$/, "")}/engine-rest`,
  workerId: "egov-node-worker",
  maxTasks: 5,
  interval: 100,
  asyncResponseTimeout: 2000,
  lockDuration: 20000,
  autoPoll: false,
});

let handled = 0;
const done = (code) => {
  client.stop();
  process.exit(code);
};
const timer = setTimeout(() => {
  console.error(`timeout: handled ${handled} of ${expected} tasks`);
  done(1);
}, timeoutMs);

client.on("poll:error", (e) => console.error(`poll error: ${e?.message ?? e}`));
client.on("complete:error", (_task, e) => console.error(`complete error: ${e?.message ?? e}`));
client.on("handleFailure:error", (_task, e) => console.error(`failure error: ${e?.message ?? e}`));
client.on("handleBpmnError:error", (_task, e) => console.error(`bpmnError error: ${e?.message ?? e}`));

client.subscribe("gebuehr-einziehen", async ({ task, taskService }) => {
  const ausgang = task.variables.get("ausgang");
  const betrag = task.variables.get("betrag");
  if (ausgang === "fehler") {
    await taskService.handleFailure(task, {
      errorMessage: "Kassenverfahren nicht erreichbar",
      errorDetails: "HTTP 503 from the payment provider",
      retries: 0,
      retryTimeout: 0,
    });
  } else if (ausgang === "abgelehnt") {
    const vars = new Variables().set("grund", "Lastschrift zurückgewiesen");
    await taskService.handleBpmnError(task, "ZAHLUNG_ABGELEHNT", "Zahlung abgelehnt", vars);
  } else {
    const vars = new Variables()
      .set("quittung", `Q-${task.businessKey}`)
      .set("bezahlt", true)
      .set("betragBestaetigt", betrag)
      .set("beleg", { kassenzeichen: task.businessKey, positionen: [betrag] });
    await taskService.complete(task, vars);
  }
  handled++;
  console.log(JSON.stringify({ id: task.id, businessKey: task.businessKey, ausgang, handled }));
  if (handled >= expected) {
    clearTimeout(timer);
    done(0);
  }
});

client.start();
