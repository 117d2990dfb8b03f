using Polly.AttemptAwareBreaker.CircuitBreaker.Health;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Rules;

/// <summary>
/// Client-side adaptive throttling over a sliding window of its own: rejects an attempt with probability
/// max(0, (requests − K × accepts) / (requests + 1)), capped, where requests are the attempts counted plus those it rejected and
/// accepts are the successes. Keeps its counts across reloads that keep its window's length. Executed under the state machine's lock.
/// </summary>
internal sealed class AdaptiveThrottle
{
    private readonly SlidingWindow _window;
    private AdaptiveThrottlingOptions _options;

    public AdaptiveThrottle(AdaptiveThrottlingOptions options, long windowTicks)
    {
        _options = options;
        WindowTicks = windowTicks;
        _window = new SlidingWindow(windowTicks);
    }

    /// <summary>Gets the window's length in timestamp ticks.</summary>
    public long WindowTicks { get; }

    /// <summary>Takes reloaded options with the same window length.</summary>
    /// <param name="options">The options.</param>
    public void Configure(AdaptiveThrottlingOptions options) => _options = options;

    /// <summary>Returns the probability of rejecting the next attempt at <paramref name="now"/>.</summary>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    /// <returns>The probability.</returns>
    public double RejectionProbability(long now)
    {
        _window.SumHealth(now, out var accepts, out var failures, out _, out var rejected);
        var requests = accepts + failures + rejected;
        if (requests < _options.MinimumRequests)
        {
            return 0;
        }

        var p = (requests - (_options.Multiplier * accepts)) / (requests + 1);
        return Math.Min(_options.MaxRejectionProbability, Math.Max(0, p));
    }

    /// <summary>
    /// Returns whether the throttle sheds load at <paramref name="now"/> and is not at its maximum rejection probability: it is holding the
    /// downstream at its equilibrium, where 1 − 1/K of the attempts it lets through fail.
    /// </summary>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    /// <returns><see langword="true"/> while 0 &lt; p &lt; the maximum.</returns>
    public bool IsShedding(long now) => RejectionProbability(now) is var p && p > 0 && p < _options.MaxRejectionProbability;

    /// <summary>Decides whether to reject the next attempt, and counts the rejection as a request.</summary>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    /// <param name="random">The source of randomness, asked only when the probability is above zero.</param>
    /// <returns><see langword="true"/> to reject.</returns>
    public bool Refuses(long now, Func<double> random)
    {
        var p = RejectionProbability(now);
        if (p <= 0 || random() >= p)
        {
            return false;
        }

        _window.Current(now).Rejections++;
        return true;
    }

    /// <summary>Counts an outcome of the current generation: a success is an accept, a failure a request; an ignored one neither.</summary>
    /// <param name="outcomeClass">The class.</param>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    public void Count(OutcomeClass outcomeClass, long now)
    {
        switch (outcomeClass)
        {
            case OutcomeClass.Success:
                _window.Current(now).HealthSuccesses++;
                break;
            case OutcomeClass.TransientFailure or OutcomeClass.PermanentFailure:
                _window.Current(now).HealthFailures++;
                break;
        }
    }

    /// <summary>Forgets the counts: the circuit closed after a break and starts a new history.</summary>
    public void Reset() => _window.Reset();
}
