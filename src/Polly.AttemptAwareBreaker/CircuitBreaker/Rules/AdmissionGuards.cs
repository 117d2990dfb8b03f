using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;
using Polly.AttemptAwareBreaker.CircuitBreaker.Health;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Rules;

/// <summary>
/// The rules that may refuse an attempt a closed circuit would admit: adaptive throttling and the recovery ramp, each when configured.
/// Their state survives reloads that keep their settings' shape. Executed under the state machine's lock.
/// </summary>
internal sealed class AdmissionGuards
{
    private AdaptiveThrottle? _throttle;
    private RecoveryRamp? _ramp;

    /// <summary>Takes the settings of a build or a reload.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="clock">The breaker's clock.</param>
    public void Configure(BreakerSettings settings, BreakerClock clock)
    {
        if (settings.AdaptiveThrottling is not { } throttling)
        {
            _throttle = null;
        }
        else if (_throttle?.WindowTicks == clock.ToTicks(throttling.Window))
        {
            _throttle.Configure(throttling);
        }
        else
        {
            _throttle = new AdaptiveThrottle(throttling, clock.ToTicks(throttling.Window));
        }

        if (settings.RecoveryRampDuration is not { } ramp)
        {
            _ramp = null;
        }
        else if (_ramp is null)
        {
            _ramp = new RecoveryRamp(clock.ToTicks(ramp), settings.RecoveryRampFloor);
        }
        else
        {
            _ramp.Configure(clock.ToTicks(ramp), settings.RecoveryRampFloor);
        }
    }

    /// <summary>Decides whether to refuse the next attempt of a closed circuit.</summary>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    /// <param name="random">The source of randomness.</param>
    /// <param name="byRamp">Whether the recovery ramp refused it (otherwise adaptive throttling did).</param>
    /// <param name="retryAfterTicks">How long the caller should wait, in timestamp ticks.</param>
    /// <returns><see langword="true"/> to refuse.</returns>
    public bool Refuses(long now, Func<double> random, out bool byRamp, out long retryAfterTicks)
    {
        byRamp = _ramp is { } ramp && ramp.Refuses(now, random);
        if (byRamp)
        {
            retryAfterTicks = _ramp!.RetryAfterTicks;
            return true;
        }

        retryAfterTicks = _throttle?.WindowTicks / SlidingWindow.BucketCount ?? 0;
        return _throttle is { } throttle && throttle.Refuses(now, random);
    }

    /// <summary>Counts an outcome of the current generation.</summary>
    /// <param name="outcomeClass">The class.</param>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    public void Count(OutcomeClass outcomeClass, long now) => _throttle?.Count(outcomeClass, now);

    /// <summary>Returns the share of attempts the recovery ramp admits at <paramref name="now"/> (1 without a ramp running).</summary>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    /// <returns>The share.</returns>
    public double AdmittedShare(long now) => _ramp?.Share(now) ?? 1;

    /// <summary>Returns whether adaptive throttling sheds load at <paramref name="now"/> without being at its maximum.</summary>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    /// <returns><see langword="true"/> while it sheds below its cap.</returns>
    public bool IsShedding(long now) => _throttle?.IsShedding(now) ?? false;

    /// <summary>The circuit closed: the throttle starts a new history and, after a break, the ramp starts.</summary>
    /// <param name="afterBreak">Whether the circuit closed from open or half-open (not by hand).</param>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    public void OnClosed(bool afterBreak, long now)
    {
        _throttle?.Reset();
        if (afterBreak)
        {
            _ramp?.Start(now);
        }
        else
        {
            _ramp?.Stop();
        }
    }

    /// <summary>The circuit left the closed state: a ramp running stops.</summary>
    public void OnLeftClosed() => _ramp?.Stop();
}
