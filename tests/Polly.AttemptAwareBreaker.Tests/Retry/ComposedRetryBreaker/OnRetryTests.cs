using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.Retry.ComposedRetryBreaker;

/// <summary>The OnRetry callback.</summary>
public class OnRetryTests : ComposedRetryBreakerTestBase
{
    [Fact]
    public async Task OnRetry_EachFailedAttempt_ReportedWithItsExceptionAndNumber()
    {
        var seen = new List<(int Attempt, string? Message)>();
        var retry = ComposedPipelines.Retry(maxRetries: 2, delaySeconds: 0);
        retry.OnRetry = args =>
        {
            seen.Add((args.AttemptNumber, args.Outcome.Exception?.Message));
            return default;
        };
        var pipeline = ComposedPipelines.Build(Time, retry, ComposedPipelines.Breaker(10));

        var outcome = await pipeline.RunAsync(new Downstream { Behaviour = n => throw new HttpRequestException($"attempt {n}") });

        Assert.Equal([(0, "attempt 1"), (1, "attempt 2")], seen);
        Assert.Equal("attempt 3", outcome.Exception?.Message);
    }
}
