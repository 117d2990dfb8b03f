using Polly.AttemptAwareBreaker.CircuitBreaker.Health;
using Polly.AttemptAwareBreaker.CircuitBreaker.Rules;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Rules;

public class FailureRatioRuleTests
{
    private readonly FailureRatioRule _rule = new(failureRatio: 0.5, minimumThroughput: 10);

    [Theory]
    [InlineData(0.5, 5, 5)]
    [InlineData(0.1, 9, 1)]
    [InlineData(0.3, 7, 3)]
    [InlineData(1.0, 0, 10)]
    public void Evaluate_RatioExactlyAtThreshold_Trips(double ratio, long successes, long failures)
    {
        var rule = new FailureRatioRule(ratio, minimumThroughput: 10);

        var decision = rule.Evaluate(new HealthSample(successes, failures, consecutiveFailures: 0));

        Assert.True(decision.Trips);
    }

    [Fact]
    public void Evaluate_RatioJustBelowThreshold_DoesNotTrip()
    {
        var decision = _rule.Evaluate(new HealthSample(successes: 51, failures: 49, consecutiveFailures: 0));

        Assert.False(decision.Trips);
    }

    [Fact]
    public void Evaluate_ThroughputOneBelowMinimum_DoesNotTrip()
    {
        var decision = _rule.Evaluate(new HealthSample(successes: 0, failures: 9, consecutiveFailures: 9));

        Assert.False(decision.Trips);
    }

    [Fact]
    public void Evaluate_ThroughputExactlyAtMinimum_Trips()
    {
        var decision = _rule.Evaluate(new HealthSample(successes: 5, failures: 5, consecutiveFailures: 0));

        Assert.True(decision.Trips);
    }

    [Fact]
    public void Evaluate_EmptyWindowWithMinimumOfOne_DoesNotTrip()
    {
        var rule = new FailureRatioRule(failureRatio: 0.1, minimumThroughput: 1);

        var decision = rule.Evaluate(new HealthSample(successes: 0, failures: 0, consecutiveFailures: 0));

        Assert.False(decision.Trips);
    }

    [Fact]
    public void Evaluate_LongRunButRatioBelowThreshold_DoesNotTrip()
    {
        var decision = _rule.Evaluate(new HealthSample(successes: 90, failures: 10, consecutiveFailures: 10));

        Assert.False(decision.Trips);
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
