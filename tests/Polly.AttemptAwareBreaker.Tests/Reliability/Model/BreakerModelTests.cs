using CsCheck;

namespace Polly.AttemptAwareBreaker.Tests.Reliability.Model;

/// <summary>
/// Model-based property tests: random option sets and random command sequences (outcomes of every class, held attempts that finish
/// later — concurrent probes among them —, clock advances, manual isolate and close) drive the real breaker (through the gate, which
/// lets a test hold a permit) and <see cref="BreakerModel"/>; after every step their state, decisions and counts must agree.
/// </summary>
public class BreakerModelTests
{
    /// <summary>Iterations of the property per test run; AAB_MODEL_ITERATIONS raises it for a local soak run.</summary>
    private static readonly long Iterations = long.TryParse(Environment.GetEnvironmentVariable("AAB_MODEL_ITERATIONS"), out var n) ? n : 3_000;

    private static readonly Gen<BreakerModel.Settings> Settings =
        from consecutive in Gen.Int[0, 4]
        from minimum in Gen.Int[2, 6]
        from ratio in Gen.Int[1, 4].Select(q => q / 4.0)
        from breakSeconds in Gen.Int[1, 5]
        from probes in Gen.Int[1, 3]
        from successes in Gen.Int[1, 2]
        from samplingSeconds in Gen.Int[2, 10]
        select new BreakerModel.Settings(
            consecutive == 0 ? null : consecutive, minimum, ratio, TimeSpan.FromSeconds(breakSeconds), probes, successes, TimeSpan.FromSeconds(samplingSeconds));

    private static readonly Gen<OutcomeClass> Outcomes = Gen.Enum<OutcomeClass>();

    private static readonly Gen<Command> Commands = Gen.Frequency(
        (35, Outcomes.Select(c => (Command)new Call(c))),
        (15, Gen.Const((Command)new Start())),
        (15, Gen.Select(Gen.Int[0, 7], Outcomes, (i, c) => (Command)new Finish(i, c))),
        (20, Gen.Int[0, 4].Select(i => (Command)new Advance(new[] { 100, 500, 1000, 3000, 6000 }[i]))),
        (5, Gen.Const((Command)new Isolate())),
        (5, Gen.Const((Command)new Close())));

    [Fact]
    public async Task Breaker_RandomCommandSequences_AgreesWithTheModelAfterEveryStep()
    {
        var runs = Gen.Select(Settings, Commands.Array[1, 60]);

        await runs.SampleAsync(RunAsync, iter: Iterations, threads: 1, print: r => $"{r.Item1}; {string.Join(", ", r.Item2.Select(c => c.ToString()))}");
    }

    /// <summary>Runs one command sequence against the breaker and the model, failing at the first step where they disagree.</summary>
    internal static async Task RunAsync(BreakerModel.Settings settings, Command[] commands)
    {
        var time = new FakeTimeProvider();
        Assert.Equal(TimeSpan.TicksPerSecond, time.TimestampFrequency);
        var control = new AttemptAwareCircuitBreakerManualControl();
        using var gate = new AttemptAwareCircuitBreakerGate(
            new AttemptAwareCircuitBreakerStrategyOptions
            {
                ConsecutiveFailureThreshold = settings.Consecutive,
                MinimumThroughput = settings.MinimumThroughput,
                FailureRatio = settings.FailureRatio,
                BreakDuration = settings.Break,
                HalfOpenMaxProbes = settings.Probes,
                HalfOpenSuccessThreshold = settings.SuccessThreshold,
                SamplingDuration = settings.Sampling,
                ManualControl = control,
            },
            time);
        var model = new BreakerModel(settings);
        var held = new List<(BreakerPermit Permit, BreakerModel.Ticket Ticket)>();

        for (var step = 0; step < commands.Length; step++)
        {
            var now = time.GetTimestamp();
            switch (commands[step])
            {
                case Call call:
                    var permit = await gate.TryAcquireAsync();
                    var ticket = model.Acquire(now);
                    AssertSameDecision(permit, ticket, step);
                    if (ticket is { } granted)
                    {
                        await permit.ReportAsync(call.Outcome);
                        model.Report(granted, call.Outcome, now);
                    }

                    break;
                case Start:
                    var started = await gate.TryAcquireAsync();
                    var startedTicket = model.Acquire(now);
                    AssertSameDecision(started, startedTicket, step);
                    if (startedTicket is { } hold)
                    {
                        held.Add((started, hold));
                    }

                    break;
                case Finish finish when held.Count > 0:
                    var (heldPermit, heldTicket) = held[finish.Index % held.Count];
                    held.RemoveAt(finish.Index % held.Count);
                    await heldPermit.ReportAsync(finish.Outcome);
                    model.Report(heldTicket, finish.Outcome, now);
                    break;
                case Advance advance:
                    time.Advance(TimeSpan.FromMilliseconds(advance.Milliseconds));
                    break;
                case Isolate:
                    await control.IsolateAsync();
                    model.Isolate();
                    break;
                case Close:
                    await control.CloseAsync();
                    model.Close();
                    break;
            }

            AssertAgree(gate.GetSnapshot(), model, time.GetTimestamp(), step);
        }
    }

    private static void AssertSameDecision(BreakerPermit permit, BreakerModel.Ticket? ticket, int step)
    {
        Assert.True(permit.IsGranted == ticket.HasValue, $"step {step}: breaker granted {permit.IsGranted}, model {ticket.HasValue}");
        Assert.True(!permit.IsGranted || permit.IsProbe == ticket!.Value.Slot >= 0, $"step {step}: probe {permit.IsProbe} vs model slot {ticket?.Slot}");
    }

    private static void AssertAgree(CircuitSnapshot snapshot, BreakerModel model, long now, int step)
    {
        var window = model.WindowCounts(now);
        var actual = (snapshot.State, Totals: Counts(snapshot.TotalAttempts), snapshot.TotalRejections, snapshot.ConsecutiveFailures, snapshot.HalfOpenProbesInFlight, Window: Counts(snapshot.WindowAttempts));
        var expected = (model.State, Totals: string.Join("/", model.Totals), model.Rejections, model.Consecutive, model.ProbesInFlight, Window: string.Join("/", window));
        Assert.True(actual == expected, $"step {step}: breaker {actual}, model {expected}");
    }

    private static string Counts(OutcomeCounts counts) => $"{counts.Successes}/{counts.TransientFailures}/{counts.PermanentFailures}/{counts.Ignored}";

    internal abstract record Command;

    internal sealed record Call(OutcomeClass Outcome) : Command;

    internal sealed record Start : Command;

    internal sealed record Finish(int Index, OutcomeClass Outcome) : Command;

    internal sealed record Advance(int Milliseconds) : Command;

    internal sealed record Isolate : Command;

    internal sealed record Close : Command;
}
