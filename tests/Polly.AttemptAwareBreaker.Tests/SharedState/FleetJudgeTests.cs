using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;
using Polly.AttemptAwareBreaker.CircuitBreaker.Health;
using Polly.AttemptAwareBreaker.SharedState;

namespace Polly.AttemptAwareBreaker.Tests.SharedState;

/// <summary>
/// <see cref="FleetJudge"/>: the other instances' summed counts and who is failing, with a failure ratio of 0.5 over at least 10 attempts
/// (an instance needs ⌈10 / (2 × active)⌉ attempts of its own, at least 2).
/// </summary>
public class FleetJudgeTests
{
    private readonly FleetJudge _judge = new();

    [Fact]
    public void Update_OthersWithSlowAttempts_SumsTheirSlowAttempts()
    {
        _judge.Update([new InstanceHealth(5, 5, 3, 0), new InstanceHealth(5, 5, 2, 0)], Settings());

        Assert.Equal(5, _judge.Slow);
    }

    [Fact]
    public void Update_OtherWithEmptyWindow_NotActive()
    {
        _judge.Update([new InstanceHealth(0, 0, 0, 0), new InstanceHealth(1, 0, 0, 0)], Settings());

        Assert.Equal(1, _judge.Active);
    }

    [Fact]
    public void OthersFailing_SelfActive_OtherJudgedOnItsShareAmongTwo()
    {
        _judge.Update([new InstanceHealth(1, 3, 0, 0)], Settings());

        // Two active instances: 4 attempts of its own are enough (⌈10 / 4⌉ = 3).
        Assert.Equal(1, _judge.OthersFailing(selfActive: true));
    }

    [Fact]
    public void OthersFailing_SelfIdle_OtherJudgedAsTheOnlyActiveInstance()
    {
        _judge.Update([new InstanceHealth(1, 3, 0, 0)], Settings());

        // One active instance: 5 attempts of its own are needed (⌈10 / 2⌉).
        Assert.Equal(0, _judge.OthersFailing(selfActive: false));
    }

    [Fact]
    public void IsFailing_ExactlyTwoOwnAttemptsThatTripTheScaledRule_Failing()
    {
        // Three active instances lower the minimum to ⌈10 / 6⌉ = 2 attempts, the least an instance is judged on.
        Assert.True(_judge.IsFailing(new HealthSample(successes: 0, failures: 2, consecutiveFailures: 0), activeInstances: 3, Settings()));
    }

    [Fact]
    public void IsFailing_OneFinishedAndOneOverdueAttempt_JudgedOnTwoAttempts()
    {
        var settings = Settings(slowAttempts: true);

        // The running attempt joins both sides of the slow ratio: 1 slow of 2, scaled by 6 to 6 of 12.
        Assert.True(_judge.IsFailing(new HealthSample(successes: 0, failures: 1, consecutiveFailures: 0, overdue: 1), activeInstances: 3, settings));
    }

    [Fact]
    public void IsFailing_SettingsReplaced_JudgesWithTheNewRules()
    {
        var sample = new HealthSample(successes: 0, failures: 2, consecutiveFailures: 0);
        Assert.False(_judge.IsFailing(sample, activeInstances: 1, Settings()));

        // A reload lowered the minimum throughput to 4: 2 failures scaled by 2 now reach it.
        Assert.True(_judge.IsFailing(sample, activeInstances: 1, Settings(minimumThroughput: 4)));
    }

    private static BreakerSettings Settings(int minimumThroughput = 10, bool slowAttempts = false) => BreakerSettings.From(new AttemptAwareCircuitBreakerStrategyOptions<int>
    {
        FailureRatio = 0.5,
        MinimumThroughput = minimumThroughput,
        SlowAttemptThreshold = slowAttempts ? TimeSpan.FromSeconds(1) : null,
        SlowAttemptRatio = 0.5,
    });
}
