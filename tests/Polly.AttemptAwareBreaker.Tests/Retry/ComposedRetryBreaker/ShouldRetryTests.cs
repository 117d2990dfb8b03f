using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.Retry.ComposedRetryBreaker;

/// <summary>The ShouldRetry option.</summary>
public class ShouldRetryTests : ComposedRetryBreakerTestBase
{
    [Fact]
    public async Task ShouldRetry_ReturnsFalse_OperationEndsAfterOneAttemptThatTheBreakerCounted()
    {
        var retry = ComposedPipelines.Retry();
        retry.ShouldRetry = _ => new(false);
        var pipeline = ComposedPipelines.Build(Time, retry, ComposedPipelines.Breaker(5, Provider));
        var downstream = Downstream.Answering(503);

        var outcome = await pipeline.RunAsync(downstream);

        Assert.Equal(503, outcome.Result);
        Assert.Equal(1, downstream.Calls);
        Assert.Equal(1, Provider.GetSnapshot().TotalAttempts.TransientFailures);
    }

    [Fact]
    public async Task ShouldRetry_ReceivesTheFailedAttemptNumber_RetriesWhileItReturnsTrue()
    {
        var seen = new List<int>();
        var retry = ComposedPipelines.Retry(maxRetries: 5);
        retry.ShouldRetry = args =>
        {
            seen.Add(args.AttemptNumber);
            return new(args.AttemptNumber < 1);
        };
        var pipeline = ComposedPipelines.Build(Time, retry, ComposedPipelines.Breaker(10, Provider));
        var downstream = Downstream.Answering(503);

        await Time.RunAsync(pipeline.RunAsync(downstream), Step);

        Assert.Equal([0, 1], seen);
        Assert.Equal(2, downstream.Calls);
    }
}
