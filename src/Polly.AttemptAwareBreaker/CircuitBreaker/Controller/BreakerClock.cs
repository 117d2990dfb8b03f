namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// The breaker's <see cref="System.TimeProvider"/> with the conversions the circuit needs: monotonic timestamps for every
/// measurement, the time of day only for what users read.
/// </summary>
internal sealed class BreakerClock
{
    private readonly double _ticksPerTimeSpanTick;

    public BreakerClock(TimeProvider timeProvider)
    {
        TimeProvider = timeProvider;
        _ticksPerTimeSpanTick = (double)timeProvider.TimestampFrequency / TimeSpan.TicksPerSecond;
    }

    public TimeProvider TimeProvider { get; }

    /// <summary>Gets the current timestamp.</summary>
    public long Now => TimeProvider.GetTimestamp();

    /// <summary>Gets the current time of day.</summary>
    public DateTimeOffset UtcNow => TimeProvider.GetUtcNow();

    /// <summary>Converts a duration into timestamp ticks.</summary>
    /// <param name="time">The duration.</param>
    /// <returns>The ticks.</returns>
    public long ToTicks(TimeSpan time) => (long)(time.Ticks * _ticksPerTimeSpanTick);

    /// <summary>Returns the time between two timestamps.</summary>
    /// <param name="from">The earlier timestamp.</param>
    /// <param name="to">The later timestamp.</param>
    /// <returns>The duration.</returns>
    public TimeSpan Elapsed(long from, long to) => TimeProvider.GetElapsedTime(from, to);
}
