using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.Retry.ComposedRetryBreaker;

/// <summary>The caller cancelling an operation.</summary>
public class CancellationTests : ComposedRetryBreakerTestBase
{
    [Fact]
    public async Task Cancellation_DuringRetryDelay_EndsOperationWithCancellation()
    {
        var pipeline = ComposedPipelines.Build(Time, ComposedPipelines.Retry(delaySeconds: 10), ComposedPipelines.Breaker(10, Provider));
        using var cts = new CancellationTokenSource();
        var running = pipeline.RunAsync(Downstream.Answering(503), cts.Token);

        await cts.CancelAsync();
        var outcome = await running.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.IsAssignableFrom<OperationCanceledException>(outcome.Exception);
        Assert.Equal(1, Provider.GetSnapshot().TotalAttempts.Total);
    }

    [Fact]
    public async Task Cancellation_BeforeAttempt_DownstreamNotCalledAndNothingCounted()
    {
        var pipeline = ComposedPipelines.Build(Time, ComposedPipelines.Retry(), ComposedPipelines.Breaker(10, Provider));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var downstream = new Downstream();

        var outcome = await pipeline.RunAsync(downstream, cts.Token);

        Assert.IsAssignableFrom<OperationCanceledException>(outcome.Exception);
        Assert.Equal(0, downstream.Calls);
        Assert.Equal(0, Provider.GetSnapshot().TotalAttempts.Failures);
    }
}
