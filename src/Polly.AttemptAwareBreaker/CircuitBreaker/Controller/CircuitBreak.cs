namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// The break of an open circuit: how long it is and when it ends, measured from the moment of opening. Its length is also the lease of
/// a half-open probe slot. Executed under the state machine's lock.
/// </summary>
internal sealed class CircuitBreak
{
    private readonly BreakerClock _clock;
    private long _length; // TimeSpan ticks, read without the lock

    public CircuitBreak(BreakerClock clock, TimeSpan length)
    {
        _clock = clock;
        Set(length, _clock.ToTicks(length));
    }

    /// <summary>Gets the length of the break; readable without the state machine's lock.</summary>
    public TimeSpan Length => TimeSpan.FromTicks(Volatile.Read(ref _length));

    /// <summary>Gets the length of the break in timestamp ticks.</summary>
    public long Ticks { get; private set; }

    /// <summary>Gets the timestamp at which the break ends.</summary>
    public long Until { get; private set; }

    /// <summary>Starts a break of <paramref name="length"/> at <paramref name="now"/>.</summary>
    /// <param name="now">The moment of opening.</param>
    /// <param name="length">The break's length.</param>
    public void Start(long now, TimeSpan length) => Set(length, now + _clock.ToTicks(length));

    /// <summary>Gives the current break another length, still measured from the moment of opening.</summary>
    /// <param name="length">The new length.</param>
    public void Resize(TimeSpan length) => Set(length, Until - Ticks + _clock.ToTicks(length));

    /// <summary>Returns whether the break is over at <paramref name="now"/>.</summary>
    /// <param name="now">A timestamp.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public bool HasEnded(long now) => now >= Until;

    /// <summary>Returns whether the break lasts at least until <paramref name="until"/>, within a millisecond.</summary>
    /// <param name="until">A timestamp.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public bool LastsUntil(long until) => Until >= until - _clock.ToTicks(TimeSpan.FromMilliseconds(1));

    /// <summary>Returns the time left in the break at <paramref name="now"/>.</summary>
    /// <param name="now">A timestamp.</param>
    /// <returns>The time left, zero once it ended.</returns>
    public TimeSpan Remaining(long now) => _clock.Elapsed(now, Math.Max(now, Until));

    private void Set(TimeSpan length, long until)
    {
        Volatile.Write(ref _length, length.Ticks);
        Ticks = _clock.ToTicks(length);
        Until = until;
    }
}
