using CsCheck;
using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.Reliability.Model;

/// <summary>
/// Model-based property test of the composed retry + breaker: random operations (the class the downstream answers to each of their
/// attempts), clock advances and manual isolate/close; the model is <see cref="BreakerModel"/> plus the retry rule (retry a transient
/// failure that was not a probe and did not open the circuit, up to the limit; an open circuit ends the operation with a rejection).
/// </summary>
public class ComposedModelTests
{
    private const int MaxRetries = 3;
    private static readonly long Iterations = long.TryParse(Environment.GetEnvironmentVariable("AAB_MODEL_ITERATIONS"), out var n) ? n : 2_000;

    private static readonly Gen<Step> Steps = Gen.Frequency(
        (60, Gen.Enum<OutcomeClass>().Array[1, MaxRetries + 1].Select(answers => (Step)new Operation(answers))),
        (25, Gen.Int[0, 4].Select(i => (Step)new Advance(new[] { 100, 500, 1000, 3000, 6000 }[i]))),
        (8, Gen.Const((Step)new Isolate())),
        (7, Gen.Const((Step)new Close())));

    private static readonly Gen<BreakerModel.Settings> Settings =
        from consecutive in Gen.Int[0, 4]
        from minimum in Gen.Int[2, 6]
        from ratio in Gen.Int[1, 4].Select(q => q / 4.0)
        from probes in Gen.Int[1, 2]
        select new BreakerModel.Settings(consecutive == 0 ? null : consecutive, minimum, ratio, TimeSpan.FromSeconds(2), probes, 1, TimeSpan.FromSeconds(10));

    [Fact]
    public async Task ComposedRetryAndBreaker_RandomOperations_AgreeWithTheModel()
    {
        await Gen.Select(Settings, Steps.Array[1, 40]).SampleAsync(
            RunAsync,
            iter: Iterations,
            threads: 1,
            print: r => $"{r.Item1}; {string.Join(", ", r.Item2.Select(s => s.ToString()))}");
    }

    private static async Task RunAsync(BreakerModel.Settings settings, Step[] steps)
    {
        var time = new FakeTimeProvider();
        var control = new AttemptAwareCircuitBreakerManualControl();
        var state = new AttemptAwareCircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = time }
            .AddAttemptAwareRetryAndCircuitBreaker(
                new AttemptAwareRetryStrategyOptions<int> { MaxRetryAttempts = MaxRetries, Delay = TimeSpan.Zero, RetryBudget = null },
                new AttemptAwareCircuitBreakerStrategyOptions<int>
                {
                    ConsecutiveFailureThreshold = settings.Consecutive,
                    MinimumThroughput = settings.MinimumThroughput,
                    FailureRatio = settings.FailureRatio,
                    BreakDuration = settings.Break,
                    HalfOpenMaxProbes = settings.Probes,
                    SamplingDuration = settings.Sampling,
                    Classifier = args => new(args.Outcome.Result switch { 0 => OutcomeClass.Success, 1 => OutcomeClass.TransientFailure, 2 => OutcomeClass.PermanentFailure, _ => OutcomeClass.Ignored }),
                    ManualControl = control,
                    StateProvider = state,
                })
            .Build();
        var model = new BreakerModel(settings);
        var operations = new long[4];

        for (var i = 0; i < steps.Length; i++)
        {
            switch (steps[i])
            {
                case Operation operation:
                    var downstream = new Downstream { Behaviour = call => new((int)operation.Answers[Math.Min(call - 1, operation.Answers.Length - 1)]) };
                    var outcome = await pipeline.RunAsync(downstream);
                    var (expectedCalls, expectedClass) = Expect(model, operation.Answers, time.GetTimestamp(), operations);
                    Assert.True(downstream.Calls == expectedCalls, $"step {i}: {downstream.Calls} downstream calls, model {expectedCalls}");
                    Assert.True(expectedClass is null == outcome.Exception is ExecutionRejectedException, $"step {i}: outcome {outcome}, model {expectedClass?.ToString() ?? "rejected"}");
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

            var snapshot = state.GetSnapshot();
            var actual = (snapshot.State, Attempts: Counts(snapshot.TotalAttempts), Operations: Counts(snapshot.TotalOperations));
            var expected = (model.State, Attempts: string.Join("/", model.Totals), Operations: string.Join("/", operations));
            Assert.True(actual == expected, $"step {i}: breaker {actual}, model {expected}");
        }
    }

    /// <summary>What the model expects of one operation: downstream calls, and the class of its last attempt (null when rejected).</summary>
    private static (int Calls, OutcomeClass? LastClass) Expect(BreakerModel model, OutcomeClass[] answers, long now, long[] operations)
    {
        OutcomeClass? last = null;
        var calls = 0;
        for (var attempt = 0; attempt <= MaxRetries; attempt++)
        {
            if (model.Acquire(now) is not { } ticket)
            {
                break;
            }

            calls++;
            var answer = answers[Math.Min(attempt, answers.Length - 1)];
            var wasOpen = model.State == CircuitState.Open;
            model.Report(ticket, answer, now);
            if (last is { } previous)
            {
                operations[(int)previous]--;
            }

            operations[(int)answer]++;
            last = answer;
            var opened = !wasOpen && model.State == CircuitState.Open;
            if (answer != OutcomeClass.TransientFailure || ticket.Slot >= 0 || opened || attempt == MaxRetries)
            {
                return (calls, answer);
            }
        }

        return (calls, null);
    }

    private static string Counts(OutcomeCounts counts) => $"{counts.Successes}/{counts.TransientFailures}/{counts.PermanentFailures}/{counts.Ignored}";

    internal abstract record Step;

    internal sealed record Operation(OutcomeClass[] Answers) : Step
    {
        public override string ToString() => $"Operation [{string.Join(" ", Answers)}]";
    }

    internal sealed record Advance(int Milliseconds) : Step;

    internal sealed record Isolate : Step;

    internal sealed record Close : Step;
}
