using Polly.AttemptAwareBreaker.Retry;

namespace Polly.AttemptAwareBreaker.Tests.Retry;

public class RetryDelaysTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData(DelayBackoffType.Constant, 3, 1)]
    [InlineData(DelayBackoffType.Linear, 0, 1)]
    [InlineData(DelayBackoffType.Linear, 2, 3)]
    [InlineData(DelayBackoffType.Exponential, 0, 1)]
    [InlineData(DelayBackoffType.Exponential, 3, 8)]
    public void Compute_Backoff_GivesExpectedDelay(DelayBackoffType type, int attempt, double expectedSeconds)
        => Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), RetryDelays.Compute(type, false, attempt, Base, null, () => 0.5));

    [Fact]
    public void Compute_ExponentialBeyondMaxDelay_IsCapped()
        => Assert.Equal(TimeSpan.FromSeconds(5), RetryDelays.Compute(DelayBackoffType.Exponential, false, 10, Base, TimeSpan.FromSeconds(5), () => 0.5));

    [Fact]
    public void Compute_HugeExponent_DoesNotOverflow()
        => Assert.Equal(TimeSpan.MaxValue, RetryDelays.Compute(DelayBackoffType.Exponential, false, 5000, Base, null, () => 0.5));

    [Theory]
    [InlineData(0.0, 750)]
    [InlineData(0.5, 1000)]
    [InlineData(1.0, 1250)]
    public void Compute_Jitter_SpreadsAQuarterEitherWay(double random, double expectedMs)
        => Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), RetryDelays.Compute(DelayBackoffType.Constant, true, 0, Base, null, () => random));

    [Fact]
    public void Compute_DelayEqualToMaxDelay_IsMaxDelayExactly()
    {
        // 29 ticks do not survive the round trip through milliseconds (29 / 10,000 × 10,000 < 29), so only the cap itself is exact.
        var delay = TimeSpan.FromTicks(29);

        Assert.Equal(delay, RetryDelays.Compute(DelayBackoffType.Constant, false, 0, delay, delay, () => 0.5));
    }
}
