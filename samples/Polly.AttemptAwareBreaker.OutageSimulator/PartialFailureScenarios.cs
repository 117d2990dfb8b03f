using System.Net;
using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>
/// The scenarios of partial failures (scenarios 8 to 10): a downstream that still answers but slowly, one overloaded past its capacity,
/// and one that recovers from an outage with cold caches. Every row runs them with its own settings, as the other scenarios.
/// </summary>
internal static class PartialFailureScenarios
{
    /// <summary>The series of the overload chart: downstream attempts per second.</summary>
    public const string OverloadAttemptsSeries = "overload.attemptsPerSecond";

    /// <summary>The series of the overload chart: successful operations per second.</summary>
    public const string OverloadGoodputSeries = "overload.goodputPerSecond";

    /// <summary>The overloaded downstream's capacity C in scenario 9, in answers per second.</summary>
    public const double OverloadCapacity = 50;

    /// <summary>The operations per second offered in scenario 9.</summary>
    public const double OverloadOfferedRate = 80;

    /// <summary>The recovering downstream's full capacity C in scenario 10, in answers per second.</summary>
    public const double RecoveryCapacity = 100;

    /// <summary>The callers of scenario 10.</summary>
    public const int Callers = 100;

    /// <summary>The share of the healthy callers' successful operations that counts as full throughput in scenario 10.</summary>
    public const double FullThroughputShare = 0.9;

    /// <summary>How long the downstream of scenarios 9 and 10 takes to answer (and the slow downstream before it slows down).</summary>
    public static readonly TimeSpan AnswerLatency = TimeSpan.FromMilliseconds(50);

    /// <summary>When the steady part of scenario 9 starts, the part its rates are averaged over (to the end of the load, 120 s).</summary>
    public static readonly TimeSpan OverloadSteadyFrom = TimeSpan.FromSeconds(20);

    /// <summary>How long a caller of scenario 10 waits after each outcome (a success, a failure or a rejection alike) before its next operation.</summary>
    public static readonly TimeSpan RecoveryThinkTime = TimeSpan.FromMilliseconds(1200);

    /// <summary>
    /// Scenario 8. 50 operations per second for 60 s against a downstream that answers every call successfully, in 50 ms until 10 s and
    /// in 5 s from then on (a call's latency is set when it arrives). Whether the circuit opens after the slowdown, how many downstream
    /// attempts arrived from the slowdown until it first opened at or after it (arrivals from 10 s up to and including the moment of
    /// opening; NaN when it never opened), and the most operations in flight at once (started by the callers and not yet finished).
    /// </summary>
    public static ScenarioFigures SlowDownstream(SimulatorRow row)
    {
        var slowFrom = TimeSpan.FromSeconds(10);
        var run = new ScenarioRun(
            row,
            _ => HttpStatusCode.OK,
            new(),
            arrival => arrival < slowFrom ? AnswerLatency : TimeSpan.FromSeconds(5));
        run.Drive(ratePerSecond: 50, duration: TimeSpan.FromSeconds(60));
        run.Drain();

        var openedAt = run.Client.Openings.Where(t => t >= slowFrom).Select(t => (TimeSpan?)t).FirstOrDefault();
        var callsBeforeOpen = openedAt is { } opened ? run.Downstream.Arrivals.Count(a => a >= slowFrom && a <= opened) : double.NaN;
        return new()
        {
            ["slowDownstreamOpened"] = openedAt is null ? 0 : 1,
            ["callsBeforeSlowOpen"] = callsBeforeOpen,
            ["peakOperationsInFlight"] = run.PeakOperationsInFlight,
        };
    }

    /// <summary>
    /// Scenario 9. 80 operations per second (open loop) for 120 s against a downstream of capacity 50 answers per second with linear
    /// overload collapse (<see cref="OverloadCollapse"/>), answering in 50 ms. Over the steady part (20 s to 120 s: the first 20 s hold the
    /// start of the load, while the downstream's one-second rate and the rows' windows fill, and leave 100 s, many cycles of any
    /// open/half-open/close pattern): successful operations per second ÷ C, and downstream attempts per second. Over the whole run: how
    /// many times the circuit opened. Also the per-second series for the overload chart.
    /// </summary>
    public static ScenarioFigures Overload(SimulatorRow row)
    {
        var load = TimeSpan.FromSeconds(120);
        var run = new ScenarioRun(row, _ => HttpStatusCode.OK, new(), AnswerLatency);
        _ = new OverloadCollapse(run.Downstream, _ => OverloadCapacity);
        run.Drive(ratePerSecond: OverloadOfferedRate, duration: load);
        run.Drain();

        var steady = (load - OverloadSteadyFrom).TotalSeconds;
        var succeeded = run.Operations.Where(o => o.Succeeded).Select(o => o.Finished).ToList();
        var goodput = succeeded.Count(t => t >= OverloadSteadyFrom && t < load) / steady;
        var attempts = run.Downstream.Arrivals.Count(t => t >= OverloadSteadyFrom && t < load) / steady;
        return new ScenarioFigures
        {
            ["goodputRatio"] = Math.Round(goodput / OverloadCapacity, 3),
            ["opens"] = run.Client.TimesOpened,
            ["downstreamAttemptsPerSecond"] = Math.Round(attempts, 1),
        }
        .WithSeries(OverloadAttemptsSeries, ScenarioFigures.PerSecond(run.Downstream.Arrivals, (int)load.TotalSeconds))
        .WithSeries(OverloadGoodputSeries, ScenarioFigures.PerSecond(succeeded, (int)load.TotalSeconds));
    }

    /// <summary>
    /// Scenario 10. A hard outage from 0 to 20 s, then the capacity grows linearly from 10 % to 100 % of 100 answers per second over 10 s,
    /// with the overload collapse of scenario 9 (answers in 50 ms). 100 closed-loop callers, each waiting 1.2 s after every outcome
    /// (success, failure or rejection) before its next operation: 80 operations per second from a healthy downstream, 0.8 C. Their first
    /// operations are spread over one such cycle (1.25 s), so they do not send in lockstep.
    /// Run for 60 s. How many times the circuit opened after the first time it closed at or after the heal (relapses), and how long from
    /// the heal until throughput is full. Throughput is counted in windows of one caller cycle (1.25 s) from the heal, in which a healthy
    /// downstream completes exactly one operation per caller; the time is the start of the first window from which every window to the
    /// end of the run has at least 90 % of them (<see cref="FullThroughputShare"/>) (NaN when that never happens, or when the circuit never closed).
    /// </summary>
    public static ScenarioFigures ColdRecovery(SimulatorRow row)
    {
        var healAt = TimeSpan.FromSeconds(20);
        var rampFor = TimeSpan.FromSeconds(10);
        var duration = TimeSpan.FromSeconds(60);
        var run = new ScenarioRun(row, _ => HttpStatusCode.OK, new(), AnswerLatency);
        _ = new OverloadCollapse(run.Downstream, now => now < healAt
            ? 0
            : RecoveryCapacity * Math.Min(1, 0.1 + (0.9 * (now - healAt) / rampFor)));

        TimeSpan? closedAfterHeal = null;
        run.ClosedLoop(
            callers: Callers,
            thinkTime: RecoveryThinkTime,
            duration: duration,
            onTick: () =>
            {
                if (closedAfterHeal is null && run.Now >= healAt && run.Client.State() == CircuitState.Closed)
                {
                    closedAfterHeal = run.Now;
                }
            },
            firstSendsOver: AnswerLatency + RecoveryThinkTime);

        // Throughput is counted per caller cycle from the heal: a healthy caller completes exactly one operation in every window of one
        // cycle, whatever its phase, so a healthy window holds one success per caller (whole seconds would vary with the callers' phases).
        var cycle = AnswerLatency + RecoveryThinkTime;
        var windows = (int)((duration - healAt) / cycle);
        var perCycle = new int[windows];
        foreach (var finished in run.Operations.Where(o => o.Succeeded && o.Finished >= healAt).Select(o => o.Finished))
        {
            if ((int)((finished - healAt) / cycle) is var window && window < windows)
            {
                perCycle[window]++;
            }
        }

        var full = windows;
        while (full > 0 && perCycle[full - 1] >= FullThroughputShare * Callers)
        {
            full--;
        }

        return new()
        {
            ["relapsesAfterHeal"] = closedAfterHeal is { } closed ? run.Client.Openings.Count(t => t > closed) : double.NaN,
            ["timeToFullThroughputMs"] = closedAfterHeal is null || full == windows ? double.NaN : (cycle * full).TotalMilliseconds,
        };
    }
}
