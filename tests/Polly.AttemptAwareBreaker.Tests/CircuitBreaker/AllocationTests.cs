namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker;

/// <summary>
/// Runs alone: the measured thread must get warm contexts from Polly's shared pool, which tests running in parallel would drain
/// (a context new to the breaker costs one record, once; that is not the per-call cost these tests measure).
/// </summary>
[Collection(nameof(AllocationTests))]
[CollectionDefinition(nameof(AllocationTests), DisableParallelization = true)]
public class AllocationTests
{
    [Fact]
    public async Task ExecuteOutcomeAsync_ClosedPathSuccess_AllocatesNothing()
        => Assert.Equal(0, await MeasureAsync(new ResiliencePipelineBuilder<int>()
            .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int> { ConsecutiveFailureThreshold = 5 })
            .Build()));

    [Fact]
    public async Task ExecuteOutcomeAsync_ComposedRetryAndBreakerClosedPathSuccess_AllocatesNothing()
        => Assert.Equal(0, await MeasureAsync(new ResiliencePipelineBuilder<int>()
            .AddAttemptAwareRetryAndCircuitBreaker(new AttemptAwareRetryStrategyOptions<int>(), new AttemptAwareCircuitBreakerStrategyOptions<int>())
            .Build()));

    private static async Task<long> MeasureAsync(ResiliencePipeline<int> pipeline)
    {
        // Warm up: JIT, tiering and the context pool.
        for (var i = 0; i < 10_000; i++)
        {
            await RunOnceAsync(pipeline);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            await RunOnceAsync(pipeline);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static ValueTask<Outcome<int>> RunOnceAsync(ResiliencePipeline<int> pipeline)
    {
        var context = ResilienceContextPool.Shared.Get();
        var task = pipeline.ExecuteOutcomeAsync(static (_, state) => Outcome.FromResultAsValueTask(state), context, 42);
        ResilienceContextPool.Shared.Return(context);
        return task;
    }
}
