namespace Polly.AttemptAwareBreaker.CircuitBreaker.Rules;

/// <summary>
/// The gradual recovery after a break: from the moment the circuit closes from half-open, the share of attempts admitted grows linearly
/// from the floor to all of them over the ramp's duration. Executed under the state machine's lock.
/// </summary>
internal sealed class RecoveryRamp
{
    private long _startedAt;
    private bool _running;

    public RecoveryRamp(long durationTicks, double floor)
    {
        DurationTicks = durationTicks;
        Floor = floor;
    }

    public long DurationTicks { get; private set; }

    public double Floor { get; private set; }

    /// <summary>Gets how long a refused caller is told to wait: a tenth of the ramp.</summary>
    public long RetryAfterTicks => Math.Max(1, DurationTicks / 10);

    /// <summary>Takes reloaded settings; a ramp running goes on with them.</summary>
    /// <param name="durationTicks">The ramp's duration in timestamp ticks.</param>
    /// <param name="floor">The share admitted when it starts.</param>
    public void Configure(long durationTicks, double floor)
    {
        DurationTicks = durationTicks;
        Floor = floor;
    }

    /// <summary>Starts a ramp at <paramref name="now"/>.</summary>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    public void Start(long now)
    {
        _startedAt = now;
        _running = true;
    }

    /// <summary>Stops the ramp: the circuit left the closed state.</summary>
    public void Stop() => _running = false;

    /// <summary>Returns the share of attempts admitted at <paramref name="now"/>; 1 once the ramp is over.</summary>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    /// <returns>The share, from the floor to 1.</returns>
    public double Share(long now)
    {
        if (!_running)
        {
            return 1;
        }

        var elapsed = now - _startedAt;
        if (elapsed >= DurationTicks)
        {
            _running = false;
            return 1;
        }

        return Floor + ((1 - Floor) * elapsed / DurationTicks);
    }

    /// <summary>Decides whether to refuse the next attempt: it is over the share admitted now.</summary>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    /// <param name="random">The source of randomness, asked only while the ramp runs.</param>
    /// <returns><see langword="true"/> to refuse.</returns>
    public bool Refuses(long now, Func<double> random)
    {
        var share = Share(now);
        return share < 1 && random() >= share;
    }
}
