using System.Net;
using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>
/// The outage scenarios. Each runs one row (configuration) against its own simulated downstream in virtual time and returns
/// figures measured from that run.
/// </summary>
internal static class Scenarios
{
    /// <summary>The line under the tables that says what the scenarios are.</summary>
    public const string Legend = "Virtual time; every figure measured in this run. Scenarios: 1 hard outage at 10 ops/s; 2-3 open circuit (60 s break), "
        + "in-flight operations at the moment of opening and one new operation; 4 90 % transient failures at 100 ops/s, breakers not tripping; "
        + "5 1,000 operations answered 400; 6 100 closed-loop callers, outage healed at 20 s; 7 10 % noise at 100 req/s for 10 virtual minutes; "
        + "8 50 ops/s, answers take 5 s instead of 50 ms from 10 s; 9 80 ops/s for 120 s against a capacity of 50/s with overload collapse "
        + "(rates over 20-120 s); 10 outage to 20 s, then capacity 10 % to 100 % of 100/s over 10 s, 100 closed-loop callers (1.2 s think time).";

    /// <summary>The series of the recovery chart (scenario 6): downstream requests per second.</summary>
    public const string RecoverySeries = "recovery.requestsPerSecond";

    /// <summary>The scenarios in the order they run, with the metric names each reports.</summary>
    public static readonly (string Name, Func<SimulatorRow, ScenarioFigures> Run)[] All =
    [
        ("hard outage", HardOutage),
        ("open circuit", OpenCircuit),
        ("sustained 90 % transient failures", SustainedDegradation),
        ("healthy downstream answering 400", PermanentErrors),
        ("recovery with 100 concurrent callers", Recovery),
        ("10 % noise at 100 req/s for 10 min", Noise),
        ("slow downstream", PartialFailureScenarios.SlowDownstream),
        ("overload", PartialFailureScenarios.Overload),
        ("cold recovery", PartialFailureScenarios.ColdRecovery),
    ];

    /// <summary>
    /// Scenario 1. A hard outage (every call answered 503) under open-loop load of 10 operations per second:
    /// how many downstream calls the downstream takes before the circuit opens.
    /// </summary>
    public static ScenarioFigures HardOutage(SimulatorRow row)
    {
        var run = new ScenarioRun(row, _ => HttpStatusCode.ServiceUnavailable, new());
        run.Drive(ratePerSecond: 10, duration: TimeSpan.FromSeconds(60), stopWhen: () => run.Client.FirstOpenedAt is not null);
        run.Drain();
        return new() { ["downstreamCallsBeforeOpen"] = run.Client.FirstOpenedAt is null ? double.NaN : run.Client.CallsAtFirstOpen };
    }

    /// <summary>
    /// Scenarios 2 and 3. A hard outage at 10 operations per second until the circuit opens (with a 60 s break, so it stays open),
    /// then no new load: what the operations that were waiting in retry delays at the moment of opening still do (extra downstream
    /// attempts, caller wait after opening); then one new operation against the open circuit (its wait and its downstream calls).
    /// </summary>
    public static ScenarioFigures OpenCircuit(SimulatorRow row)
    {
        var run = new ScenarioRun(row, _ => HttpStatusCode.ServiceUnavailable, new() { BreakDuration = TimeSpan.FromSeconds(60) });
        run.Drive(ratePerSecond: 10, duration: TimeSpan.FromSeconds(60), stopWhen: () => run.Client.FirstOpenedAt is not null);
        var openedAt = run.Client.FirstOpenedAt ?? run.Now;
        var callsAtOpen = run.Downstream.Calls;
        run.Drain();
        var inFlight = run.Operations.Where(o => o.Started <= openedAt && o.Finished > openedAt).ToList();
        var extraAttempts = run.Downstream.Calls - callsAtOpen;
        var waitAfterOpen = inFlight.Count == 0 ? 0 : inFlight.Average(o => (o.Finished - openedAt).TotalMilliseconds);

        var callsBefore = run.Downstream.Calls;
        var probe = run.Start();
        run.Drain();

        return new()
        {
            ["openRejectionLatencyMs"] = (probe.Finished - probe.Started).TotalMilliseconds,
            ["callsDuringOpen"] = run.Downstream.Calls - callsBefore,
            ["extraAttemptsAfterOpen"] = extraAttempts,
            ["waitAfterOpenMs"] = Math.Round(waitAfterOpen),
        };
    }

    /// <summary>
    /// Scenario 4. 90 % of attempts fail transiently, breakers set so they do not trip (failure ratio 1): downstream attempts per operation.
    /// </summary>
    public static ScenarioFigures SustainedDegradation(SimulatorRow row)
    {
        var random = new Random(4);
        var run = new ScenarioRun(
            row,
            _ => random.NextDouble() < 0.9 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK,
            new() { NeverTrip = true });
        run.Drive(ratePerSecond: 100, duration: TimeSpan.FromSeconds(60));
        run.Drain();
        return new() { ["amplification"] = Math.Round((double)run.Downstream.Calls / run.Operations.Count, 3) };
    }

    /// <summary>
    /// Scenario 5. A healthy downstream answering 400 Bad Request to 1,000 operations: whether the circuit opened and how many retries were made.
    /// </summary>
    public static ScenarioFigures PermanentErrors(SimulatorRow row)
    {
        var run = new ScenarioRun(row, _ => HttpStatusCode.BadRequest, new());
        run.Drive(ratePerSecond: 100, duration: TimeSpan.FromSeconds(10));
        run.Drain();
        return new()
        {
            ["permanentErrorsOpenedCircuit"] = run.Client.FirstOpenedAt is null ? 0 : 1,
            ["retriesMade"] = run.Operations.Sum(o => Math.Max(0, o.Attempts.Count - 1)),
        };
    }

    /// <summary>
    /// Scenario 6. A hard outage for 20 s, then the downstream heals (answers in 200 ms). 100 concurrent callers each send, wait 100 ms, send again.
    /// How many probes the half-open circuit lets through at once, and how long after healing the circuit closes.
    /// Also the series for the chart: downstream requests per second.
    /// </summary>
    public static ScenarioFigures Recovery(SimulatorRow row)
    {
        var healAt = TimeSpan.FromSeconds(20);
        var run = new ScenarioRun(
            row,
            now => now < healAt ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK,
            new(),
            latency: TimeSpan.FromMilliseconds(200));
        var maxProbesAtOnce = 0;
        TimeSpan? closedAt = null;
        run.Downstream.OnArrival = () =>
        {
            if (run.Client.State() == CircuitState.HalfOpen)
            {
                maxProbesAtOnce = Math.Max(maxProbesAtOnce, run.Downstream.InFlight);
            }
        };

        run.ClosedLoop(callers: 100, thinkTime: TimeSpan.FromMilliseconds(100), duration: TimeSpan.FromSeconds(60), onTick: () =>
        {
            if (closedAt is null && run.Now >= healAt && run.Client.FirstOpenedAt is not null && run.Client.State() == CircuitState.Closed)
            {
                closedAt = run.Now;
            }
        });

        return new ScenarioFigures
        {
            ["halfOpenProbesAdmitted"] = maxProbesAtOnce,
            ["timeToCloseAfterHealMs"] = closedAt is { } closed ? (closed - healAt).TotalMilliseconds : double.NaN,
        }.WithSeries(RecoverySeries, ScenarioFigures.PerSecond(run.Downstream.Arrivals));
    }

    /// <summary>
    /// Scenario 7. 10 % random transient failures at 100 requests per second for 10 virtual minutes: how often the circuit opened (all false opens).
    /// </summary>
    public static ScenarioFigures Noise(SimulatorRow row)
    {
        var random = new Random(7);
        var run = new ScenarioRun(row, _ => random.NextDouble() < 0.1 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK, new());
        run.Drive(ratePerSecond: 100, duration: TimeSpan.FromMinutes(10));
        run.Drain();
        return new() { ["falseOpens"] = run.Client.TimesOpened };
    }
}
