using Polly.AttemptAwareBreaker.Tests.TestUtilities;
using Polly.Simmy;

namespace Polly.AttemptAwareBreaker.Tests.Reliability.Chaos;

/// <summary>
/// Polly's chaos strategies (fault, outcome, latency) injected between the breaker and the downstream. Fault and outcome run in
/// virtual time; latency runs in real time, because Polly's latency and timeout strategies continue on the thread pool after a
/// fake-clock advance, which would make a virtual-time race between them nondeterministic.
/// </summary>
public class ChaosTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly AttemptAwareCircuitBreakerStateProvider _state = new();

    [Fact]
    public async Task ChaosFault_EveryAttempt_BreakerOpensAfterItsThresholdAndTheDownstreamIsNeverCalled()
    {
        var pipeline = Composed(_time).AddChaosFault(1.0, () => new HttpRequestException("injected")).Build();
        var downstream = Downstream.Answering(200);

        for (var i = 0; i < 4; i++)
        {
            await _time.RunAsync(pipeline.RunAsync(downstream), TimeSpan.FromMilliseconds(100));
        }

        var snapshot = _state.GetSnapshot();
        Assert.Equal(CircuitState.Open, snapshot.State);
        Assert.Equal(5, snapshot.TotalAttempts.TransientFailures);
        Assert.Equal(0, downstream.Calls);
    }

    [Fact]
    public async Task ChaosOutcome_SeededThirtyPercent503_BreakerCountsExactlyTheInjectedFailures()
    {
        var injected = 0;
        var random = new Random(7);
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time }
            .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int> { Classifier = Breakers.StatusClassifier, StateProvider = _state, MinimumThroughput = int.MaxValue })
            .AddChaosOutcome(new Polly.Simmy.Outcomes.ChaosOutcomeStrategyOptions<int>
            {
                InjectionRate = 0.3,
                Randomizer = random.NextDouble,
                OutcomeGenerator = _ => new(Outcome.FromResult(503)),
                OnOutcomeInjected = _ =>
                {
                    injected++;
                    return default;
                },
            })
            .Build();
        var downstream = Downstream.Answering(200);

        for (var i = 0; i < 1000; i++)
        {
            await pipeline.RunAsync(downstream);
        }

        var snapshot = _state.GetSnapshot();
        Assert.InRange(injected, 200, 400);
        Assert.Equal(injected, snapshot.TotalAttempts.TransientFailures);
        Assert.Equal(1000 - injected, snapshot.TotalAttempts.Successes);
        Assert.Equal(downstream.Calls, snapshot.TotalAttempts.Successes);
    }

    [Fact]
    public async Task ChaosLatency_RealTime_SlowAttemptsTimeOutAndOpenTheCircuit()
    {
        var state = new AttemptAwareCircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder<int>()
            .AddAttemptAwareRetryAndCircuitBreaker(
                new AttemptAwareRetryStrategyOptions<int> { MaxRetryAttempts = 1, Delay = TimeSpan.Zero },
                new AttemptAwareCircuitBreakerStrategyOptions<int> { ConsecutiveFailureThreshold = 3, MinimumThroughput = int.MaxValue, StateProvider = state })
            .AddTimeout(TimeSpan.FromMilliseconds(20))
            .AddChaosLatency(1.0, TimeSpan.FromSeconds(10))
            .Build();

        for (var i = 0; i < 3; i++)
        {
            await pipeline.RunAsync(Downstream.Answering(200), TestContext.Current.CancellationToken);
        }

        Assert.Equal(CircuitState.Open, state.CircuitState);
        Assert.Equal(3, state.GetSnapshot().TotalAttempts.TransientFailures);
    }

    private ResiliencePipelineBuilder<int> Composed(FakeTimeProvider time)
        => new ResiliencePipelineBuilder<int> { TimeProvider = time }
            .AddAttemptAwareRetryAndCircuitBreaker(
                new AttemptAwareRetryStrategyOptions<int> { MaxRetryAttempts = 2, Delay = TimeSpan.FromMilliseconds(200), RetryBudget = null },
                new AttemptAwareCircuitBreakerStrategyOptions<int> { ConsecutiveFailureThreshold = 5, MinimumThroughput = int.MaxValue, StateProvider = _state });
}
