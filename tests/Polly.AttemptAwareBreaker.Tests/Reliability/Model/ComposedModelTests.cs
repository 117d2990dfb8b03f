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

    private static readonly Gen<ModelDriver<ComposedSubject>.Command> Steps = Gen.Frequency(
        (60, Gen.Enum<OutcomeClass>().Array[1, MaxRetries + 1].Select(answers => (ModelDriver<ComposedSubject>.Command)new Operation(answers))),
        (25, ModelDriver<ComposedSubject>.Advances),
        (8, ModelDriver<ComposedSubject>.Isolates),
        (7, ModelDriver<ComposedSubject>.Closes));

    private static readonly Gen<BreakerModel.Settings> Settings =
        from consecutive in Gen.Int[0, 4]
        from minimum in Gen.Int[2, 6]
        from ratio in Gen.Int[1, 4].Select(q => q / 4.0)
        from probes in Gen.Int[1, 2]
        select new BreakerModel.Settings(consecutive == 0 ? null : consecutive, minimum, ratio, TimeSpan.FromSeconds(2), probes, 1, TimeSpan.FromSeconds(10));

    [Fact]
    public Task ComposedRetryAndBreaker_RandomOperations_AgreeWithTheModel()
        => ModelDriver<ComposedSubject>.CheckAsync(Settings, Steps.Array[1, 40], defaultIterations: 2_000, ComposedSubject.Create);

    /// <summary>One operation through the pipeline; the downstream answers its attempts with <see cref="Answers"/> (the last one repeats).</summary>
    internal sealed record Operation(OutcomeClass[] Answers) : ModelDriver<ComposedSubject>.Command
    {
        public override string ToString() => $"Operation [{string.Join(" ", Answers)}]";

        public override async ValueTask RunAsync(ModelDriver<ComposedSubject> driver)
        {
            var downstream = new Downstream { Behaviour = call => new((int)Answers[Math.Min(call - 1, Answers.Length - 1)]) };
            var outcome = await driver.Subject.Pipeline.RunAsync(downstream);
            var (expectedCalls, expectedClass) = driver.Subject.Expect(driver.Model, Answers, driver.Time.GetTimestamp());
            Assert.True(downstream.Calls == expectedCalls, $"step {driver.Step}: {downstream.Calls} downstream calls, model {expectedCalls}");
            Assert.True(expectedClass is null == outcome.Exception is ExecutionRejectedException, $"step {driver.Step}: outcome {outcome}, model {expectedClass?.ToString() ?? "rejected"}");
        }
    }

    /// <summary>The composed pipeline, with the operations the model expects by the class of their last attempt.</summary>
    internal sealed class ComposedSubject(ResiliencePipeline<int> pipeline, AttemptAwareCircuitBreakerStateProvider state) : IModelSubject
    {
        private readonly long[] _operations = new long[4];

        public ResiliencePipeline<int> Pipeline { get; } = pipeline;

        public static ComposedSubject Create(ModelDriver<ComposedSubject> driver)
        {
            var state = new AttemptAwareCircuitBreakerStateProvider();
            var breaker = new AttemptAwareCircuitBreakerStrategyOptions<int>
            {
                Classifier = args => new(args.Outcome.Result switch { 0 => OutcomeClass.Success, 1 => OutcomeClass.TransientFailure, 2 => OutcomeClass.PermanentFailure, _ => OutcomeClass.Ignored }),
                StateProvider = state,
            };
            driver.ConfigureBreaker(breaker);
            var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = driver.Time }
                .AddAttemptAwareRetryAndCircuitBreaker(
                    new AttemptAwareRetryStrategyOptions<int> { MaxRetryAttempts = MaxRetries, Delay = TimeSpan.Zero, RetryBudget = null },
                    breaker)
                .Build();
            return new ComposedSubject(pipeline, state);
        }

        /// <summary>What the model expects of one operation: downstream calls, and the class of its last attempt (null when rejected).</summary>
        public (int Calls, OutcomeClass? LastClass) Expect(BreakerModel model, OutcomeClass[] answers, long now)
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
                    _operations[(int)previous]--;
                }

                _operations[(int)answer]++;
                last = answer;
                var opened = !wasOpen && model.State == CircuitState.Open;
                if (answer != OutcomeClass.TransientFailure || ticket.Slot >= 0 || opened || attempt == MaxRetries)
                {
                    return (calls, answer);
                }
            }

            return (calls, null);
        }

        public void Compare(ModelComparison comparison, BreakerModel model, long now)
        {
            var snapshot = state.GetSnapshot();
            comparison
                .Add("state", snapshot.State, model.State)
                .Add("attempts", snapshot.TotalAttempts, model.Totals)
                .Add("operations", snapshot.TotalOperations, _operations);
        }

        public void Dispose()
        {
        }
    }
}
