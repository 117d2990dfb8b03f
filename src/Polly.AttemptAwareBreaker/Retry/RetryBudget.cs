namespace Polly.AttemptAwareBreaker.Retry;

/// <summary>
/// A token bucket: every first attempt earns <c>RetryRatio</c> tokens, time earns <c>MinRetriesPerSecond</c> tokens per second,
/// a retry spends one. The first second's floor is available up front (so a freshly built pipeline can retry at once) and time
/// earns tokens from the end of that second on. The bucket never holds more than what the first attempts of the last window earned
/// plus the floor times the window. Over any run of T seconds: retries ≤ ratio × first attempts + floor × max(1, T).
/// </summary>
internal sealed class RetryBudget
{
    private const int Buckets = 10;

    private readonly object _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly double _ratio;
    private readonly double _perSecond;
    private readonly double _windowSeconds;
    private readonly long _bucketTicks;
    private readonly long[] _bucketEpoch = new long[Buckets];
    private readonly long[] _bucketFirstAttempts = new long[Buckets];
    private double _tokens;
    private long _lastRefill;

    public RetryBudget(RetryBudgetOptions options, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _ratio = options.RetryRatio;
        _perSecond = options.MinRetriesPerSecond;
        _windowSeconds = options.Window.TotalSeconds;
        _bucketTicks = Math.Max(1, (long)(_windowSeconds * timeProvider.TimestampFrequency / Buckets));
        _tokens = _perSecond;
        _lastRefill = timeProvider.GetTimestamp() + timeProvider.TimestampFrequency;
    }

    /// <summary>Records a first attempt, which earns retries.</summary>
    public void OnFirstAttempt()
    {
        lock (_lock)
        {
            var now = _timeProvider.GetTimestamp();
            var epoch = now / _bucketTicks;
            var slot = (int)(epoch % Buckets);
            if (_bucketEpoch[slot] != epoch)
            {
                _bucketEpoch[slot] = epoch;
                _bucketFirstAttempts[slot] = 0;
            }

            _bucketFirstAttempts[slot]++;
            Refill(now, epoch);
            _tokens = Math.Min(_tokens + _ratio, Capacity(epoch));
        }
    }

    /// <summary>Spends one retry if the budget has one.</summary>
    /// <returns><see langword="true"/> when the retry may go ahead.</returns>
    public bool TryWithdraw()
    {
        lock (_lock)
        {
            var now = _timeProvider.GetTimestamp();
            Refill(now, now / _bucketTicks);
            if (_tokens < 1)
            {
                return false;
            }

            _tokens -= 1;
            return true;
        }
    }

    private void Refill(long now, long epoch)
    {
        var elapsedSeconds = (double)(now - _lastRefill) / _timeProvider.TimestampFrequency;
        if (elapsedSeconds > 0)
        {
            _lastRefill = now;
            _tokens = Math.Min(_tokens + (elapsedSeconds * _perSecond), Capacity(epoch));
        }
    }

    private double Capacity(long epoch)
    {
        long firstAttempts = 0;
        for (var i = 0; i < Buckets; i++)
        {
            if (_bucketEpoch[i] > epoch - Buckets)
            {
                firstAttempts += _bucketFirstAttempts[i];
            }
        }

        return (_ratio * firstAttempts) + (_perSecond * _windowSeconds);
    }
}
