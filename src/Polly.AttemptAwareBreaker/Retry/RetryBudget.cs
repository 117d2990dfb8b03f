namespace Polly.AttemptAwareBreaker.Retry;

/// <summary>
/// A token bucket: every first attempt earns <c>RetryRatio</c> tokens, time earns <c>MinRetriesPerSecond</c> tokens per second,
/// a retry spends one. The first second's floor is available up front (so a freshly built pipeline can retry at once) and time
/// earns tokens from the end of that second on. Whenever a retry asks, the balance is cut to what the first attempts of the last
/// window earned plus the floor times the window, so old earnings expire. Over any run of T seconds:
/// retries ≤ ratio × first attempts + floor × max(1, T).
/// </summary>
/// <remarks>
/// Earning is lock-free (it happens on every operation); spending, which happens only on failures, takes a short lock.
/// Tokens are kept in thousandths so they can be added atomically.
/// </remarks>
internal sealed class RetryBudget
{
    private const int Buckets = 10;
    private const long Milli = 1000;

    private readonly SyncLock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly long _ratioMilli;
    private readonly double _perSecond;
    private readonly double _windowSeconds;
    private readonly long _bucketTicks;
    private readonly long[] _bucketEpoch = new long[Buckets];
    private readonly long[] _bucketFirstAttempts = new long[Buckets];
    private long _milliTokens;
    private long _lastRefill;

    public RetryBudget(RetryBudgetOptions options, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _ratioMilli = (long)Math.Round(options.RetryRatio * Milli);
        _perSecond = options.MinRetriesPerSecond;
        _windowSeconds = options.Window.TotalSeconds;
        _bucketTicks = Math.Max(1, (long)(_windowSeconds * timeProvider.TimestampFrequency / Buckets));
        _milliTokens = (long)(_perSecond * Milli);
        _lastRefill = timeProvider.GetTimestamp() + timeProvider.TimestampFrequency;
    }

    /// <summary>Records a first attempt, made at <paramref name="now"/> (a timestamp of the budget's clock), which earns retries.</summary>
    public void OnFirstAttempt(long now)
    {
        var epoch = now / _bucketTicks;
        var slot = (int)(epoch % Buckets);
        if (Volatile.Read(ref _bucketEpoch[slot]) != epoch)
        {
            lock (_lock)
            {
                if (_bucketEpoch[slot] != epoch)
                {
                    _bucketFirstAttempts[slot] = 0;
                    Volatile.Write(ref _bucketEpoch[slot], epoch);
                }
            }
        }

        Interlocked.Increment(ref _bucketFirstAttempts[slot]);
        Interlocked.Add(ref _milliTokens, _ratioMilli);
    }

    /// <summary>Spends one retry if the budget has one.</summary>
    /// <returns><see langword="true"/> when the retry may go ahead.</returns>
    public bool TryWithdraw()
    {
        lock (_lock)
        {
            var now = _timeProvider.GetTimestamp();
            var capacity = Capacity(now / _bucketTicks);
            var elapsedSeconds = (double)(now - _lastRefill) / _timeProvider.TimestampFrequency;
            if (elapsedSeconds > 0)
            {
                _lastRefill = now;
                Interlocked.Add(ref _milliTokens, (long)(elapsedSeconds * _perSecond * Milli));
            }

            // Cut the balance to what the last window can justify, then spend one token if there is one.
            while (true)
            {
                var tokens = Volatile.Read(ref _milliTokens);
                var capped = Math.Min(tokens, capacity);
                var spent = capped >= Milli ? capped - Milli : capped;
                if (Interlocked.CompareExchange(ref _milliTokens, spent, tokens) == tokens)
                {
                    return capped >= Milli;
                }
            }
        }
    }

    private long Capacity(long epoch)
    {
        long firstAttempts = 0;
        for (var i = 0; i < Buckets; i++)
        {
            if (Volatile.Read(ref _bucketEpoch[i]) > epoch - Buckets)
            {
                firstAttempts += Volatile.Read(ref _bucketFirstAttempts[i]);
            }
        }

        return (firstAttempts * _ratioMilli) + (long)(_perSecond * _windowSeconds * Milli);
    }
}
