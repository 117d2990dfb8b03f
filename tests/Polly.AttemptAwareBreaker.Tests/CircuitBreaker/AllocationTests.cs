namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker;

public class AllocationTests
{
    [Fact]
    public async Task ExecuteOutcomeAsync_ClosedPathSuccess_AllocatesNothing()
    {
        var pipeline = new ResiliencePipelineBuilder<int>()
            .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int> { ConsecutiveFailureThreshold = 5 })
            .Build();

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

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    private static ValueTask<Outcome<int>> RunOnceAsync(ResiliencePipeline<int> pipeline)
    {
        var context = ResilienceContextPool.Shared.Get();
        var task = pipeline.ExecuteOutcomeAsync(static (_, state) => Outcome.FromResultAsValueTask(state), context, 42);
        ResilienceContextPool.Shared.Return(context);
        return task;
    }
}
