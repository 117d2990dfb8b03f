using Polly.AttemptAwareBreaker.CircuitBreaker.Rules;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Rules;

/// <summary>
/// The recovery ramp on raw timestamps: 100 ticks from a floor of 0.5, started at 0 (the ramp in a pipeline is in
/// <c>PartialFailures/RecoveryRampTests</c>).
/// </summary>
public class RecoveryRampTests
{
    private readonly RecoveryRamp _ramp = new(durationTicks: 100, floor: 0.5);

    public RecoveryRampTests() => _ramp.Start(0);

    [Fact]
    public void Share_AtExactlyTheDuration_EndsTheRamp()
    {
        _ramp.Share(100);

        // A ramp still running would now be halfway through the longer duration.
        _ramp.Configure(durationTicks: 200, floor: 0.5);
        Assert.Equal(1, _ramp.Share(101));
    }

    [Fact]
    public void Configure_LongerDurationAfterTheRampEnded_RampStaysOver()
    {
        _ramp.Share(150);

        _ramp.Configure(durationTicks: 200, floor: 0.5);

        Assert.Equal(1, _ramp.Share(151));
    }
}
