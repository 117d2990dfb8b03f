using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.Retry.ComposedRetryBreaker;

/// <summary>The DelayGenerator option.</summary>
public class DelayGeneratorTests : ComposedRetryBreakerTestBase
{
    [Fact]
    public async Task DelayGenerator_ReturnsValue_OverridesBackoffAndIsCappedByMaxDelay()
    {
        var delays = new List<TimeSpan>();
        var retry = ComposedPipelines.Retry(maxRetries: 2);
        retry.DelayGenerator = args => new(TimeSpan.FromSeconds(args.AttemptNumber == 0 ? 3 : 30));
        retry.MaxDelay = TimeSpan.FromSeconds(10);
        retry.OnRetry = args =>
        {
            delays.Add(args.RetryDelay);
            return default;
        };
        var pipeline = ComposedPipelines.Build(Time, retry, ComposedPipelines.Breaker(10));

        await Time.RunAsync(pipeline.RunAsync(Downstream.Answering(503)), Step);

        Assert.Equal([TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10)], delays);
    }
}
