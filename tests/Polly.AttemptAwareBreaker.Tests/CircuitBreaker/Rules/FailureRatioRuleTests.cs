using Polly.AttemptAwareBreaker.CircuitBreaker.Health;
using Polly.AttemptAwareBreaker.CircuitBreaker.Rules;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Rules;

/// <summary>The failure-ratio rule; unless a test says otherwise, a ratio of 0.5 with a minimum throughput of 10.</summary>
public class FailureRatioRuleTests
{
    private readonly FailureRatioRule _rule = new(failureRatio: 0.5, minimumThroughput: 10);

    [Theory]
    [InlineData(0.5, 10, 10)]
    [InlineData(0.1, 18, 2)]
    [InlineData(0.3, 14, 6)]
    [InlineData(1.0, 0, 20)]
    public void Evaluate_RatioExactlyAtThreshold_Trips(double ratio, long successes, long failures)
    {
        var rule = new FailureRatioRule(ratio, minimumThroughput: 10);

        Assert.True(rule.Evaluate(new HealthSample(successes, failures, consecutiveFailures: 0)).Trips);
    }

    [Fact]
    public void Evaluate_ThroughputExactlyAtMinimum_Trips()
    {
        Assert.True(_rule.Evaluate(new HealthSample(successes: 0, failures: 10, consecutiveFailures: 0)).Trips);
    }

    [Theory]
    [InlineData(51, 49, 0)] // ratio just below
    [InlineData(0, 9, 9)] // throughput one below the minimum
    [InlineData(90, 10, 10)] // whatever the run of failures
    public void Evaluate_RatioOrThroughputBelowItsThreshold_DoesNotTrip(long successes, long failures, int run)
    {
        Assert.False(_rule.Evaluate(new HealthSample(successes, failures, run)).Trips);
    }

    [Fact]
    public void Evaluate_EmptyWindowWithMinimumOfOne_DoesNotTrip()
    {
        var rule = new FailureRatioRule(failureRatio: 0.1, minimumThroughput: 1);

        Assert.False(rule.Evaluate(new HealthSample(successes: 0, failures: 0, consecutiveFailures: 0)).Trips);
    }

    [Fact]
    public void Evaluate_Trips_ReasonIsFailureRatio()
    {
        var decision = _rule.Evaluate(new HealthSample(successes: 5, failures: 5, consecutiveFailures: 0));

        Assert.Equal(CircuitStateChangeReason.FailureRatio, decision.Reason);
    }

    [Fact]
    public void Evaluate_Trips_GeneratorGetsTheWindowsRateAndFailures()
    {
        var decision = _rule.Evaluate(new HealthSample(successes: 4, failures: 12, consecutiveFailures: 2));

        Assert.Equal((0.75, 12), (decision.FailureRate, decision.FailureCount));
    }

    [Fact]
    public void Evaluate_FailuresBeyondIntRange_FailureCountCappedAtIntMaxValue()
    {
        var decision = _rule.Evaluate(new HealthSample(successes: 0, failures: int.MaxValue + 10L, consecutiveFailures: 0));

        Assert.Equal(int.MaxValue, decision.FailureCount);
    }
}
