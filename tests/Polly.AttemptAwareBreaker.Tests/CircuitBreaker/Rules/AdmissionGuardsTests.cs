using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;
using Polly.AttemptAwareBreaker.CircuitBreaker.Rules;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Rules;

/// <summary>The closed circuit's admission guards across reloads and state changes, on the ticks of a fake clock.</summary>
public class AdmissionGuardsTests
{
    private readonly BreakerClock _clock = new(new FakeTimeProvider());
    private readonly AdmissionGuards _guards = new();

    [Fact]
    public void Configure_ThrottlingReloadedWithTheSameWindow_KeepsItsCountsUnderTheNewCap()
    {
        _guards.Configure(Throttling(maxRejectionProbability: 0.5), _clock);
        for (var i = 0; i < 4; i++)
        {
            _guards.Count(OutcomeClass.TransientFailure, 0); // 4 requests, no accepts: p = 4 / 5, capped at 0.5
        }

        _guards.Configure(Throttling(maxRejectionProbability: 0.9), _clock);

        Assert.True(_guards.Refuses(0, () => 0.6, out var byRamp, out _));
        Assert.False(byRamp);
    }

    [Fact]
    public void Configure_RampReloadedWhileRunning_GoesOnWithTheNewDuration()
    {
        _guards.Configure(Ramp(TimeSpan.FromSeconds(10)), _clock);
        _guards.OnClosed(afterBreak: true, 0);

        _guards.Configure(Ramp(TimeSpan.FromSeconds(20)), _clock);

        // A quarter of the way: 0.5 + 0.5 × 5 / 20.
        Assert.Equal(0.625, _guards.AdmittedShare(_clock.ToTicks(TimeSpan.FromSeconds(5))));
    }

    [Fact]
    public void OnClosed_ByHandWhileARampRuns_StopsTheRamp()
    {
        _guards.Configure(Ramp(TimeSpan.FromSeconds(10)), _clock);
        _guards.OnClosed(afterBreak: true, 0);

        _guards.OnClosed(afterBreak: false, 0);

        Assert.Equal(1, _guards.AdmittedShare(_clock.ToTicks(TimeSpan.FromSeconds(1))));
    }

    private static BreakerSettings Throttling(double maxRejectionProbability) => BreakerSettings.From(new AttemptAwareCircuitBreakerStrategyOptions<int>
    {
        AdaptiveThrottling = new() { Multiplier = 2, MinimumRequests = 0, MaxRejectionProbability = maxRejectionProbability },
    });

    private static BreakerSettings Ramp(TimeSpan duration) => BreakerSettings.From(new AttemptAwareCircuitBreakerStrategyOptions<int>
    {
        RecoveryRampDuration = duration,
        RecoveryRampFloor = 0.5,
    });
}
