using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker;

public class ConcurrencyTests
{
    private const int Threads = 8;
    private const int CallsPerThread = 5_000;

    [Fact]
    public async Task Execute_ManyThreadsMixedOutcomes_EveryAttemptCountedExactlyOnce()
    {
        var provider = new AttemptAwareCircuitBreakerStateProvider();
        var pipeline = Breakers.Build(
            new AttemptAwareCircuitBreakerStrategyOptions<int>
            {
                Classifier = Breakers.StatusClassifier,
                FailureRatio = 1.0,
                MinimumThroughput = int.MaxValue,
                StateProvider = provider,
            },
            new FakeTimeProvider());
        var downstream = new Downstream { Behaviour = n => new((n % 3) switch { 0 => 200, 1 => 503, _ => 404 }) };

        await Task.WhenAll(Enumerable.Range(0, Threads).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < CallsPerThread; i++)
            {
                await pipeline.RunAsync(downstream);
            }
        })));

        var snapshot = provider.GetSnapshot();
        Assert.Equal(Threads * CallsPerThread, downstream.Calls);
        Assert.Equal(Threads * CallsPerThread, snapshot.TotalAttempts.Total);
        Assert.Equal(Threads * CallsPerThread, snapshot.TotalOperations.Total);
        Assert.Equal(snapshot.TotalAttempts, snapshot.WindowAttempts);
        Assert.Equal(CircuitState.Closed, snapshot.State);
    }

    [Fact]
    public async Task Execute_ManyThreadsHardOutage_OpensAfterExactlyTheThreshold()
    {
        var provider = new AttemptAwareCircuitBreakerStateProvider();
        var pipeline = Breakers.Build(Breakers.Consecutive(50, provider), new FakeTimeProvider());
        var downstream = Downstream.AlwaysFailing();

        await Task.WhenAll(Enumerable.Range(0, Threads).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                await pipeline.RunAsync(downstream);
            }
        })));

        var snapshot = provider.GetSnapshot();
        Assert.Equal(CircuitState.Open, snapshot.State);
        Assert.Equal(downstream.Calls, snapshot.TotalAttempts.Total);
        Assert.Equal((Threads * 1_000) - downstream.Calls, snapshot.TotalRejections);

        // Closed-path admission takes no lock, so attempts already admitted when the 50th failure opens the circuit still
        // reach the downstream: at most one per other thread.
        Assert.InRange(downstream.Calls, 50, 50 + Threads - 1);
    }
}
