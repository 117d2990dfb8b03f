using Polly.AttemptAwareBreaker.CircuitBreaker.Health;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Health;

/// <summary>The sample the trip rules judge: its failure rate and the samples derived from it.</summary>
public class HealthSampleTests
{
    [Fact]
    public void FailureRate_NoCountedAttempts_Zero()
    {
        Assert.Equal(0, new HealthSample(successes: 0, failures: 0, consecutiveFailures: 3).FailureRate);
    }

    [Fact]
    public void Plus_OtherInstancesCounts_AddsThemToTheWindowCountsOnly()
    {
        var sample = new HealthSample(successes: 1, failures: 2, consecutiveFailures: 3, slow: 4, overdue: 5);

        var fleet = sample.Plus(successes: 10, failures: 20, slow: 40);

        Assert.Equal((11L, 22L, 3, 44L, 5L), (fleet.Successes, fleet.Failures, fleet.ConsecutiveFailures, fleet.Slow, fleet.Overdue));
    }

    [Fact]
    public void Scaled_ByAFactor_MultipliesEveryCountButTheRunOfFailures()
    {
        var sample = new HealthSample(successes: 2, failures: 3, consecutiveFailures: 4, slow: 5, overdue: 6);

        var scaled = sample.Scaled(3);

        Assert.Equal((6L, 9L, 4, 15L, 18L), (scaled.Successes, scaled.Failures, scaled.ConsecutiveFailures, scaled.Slow, scaled.Overdue));
    }
}
