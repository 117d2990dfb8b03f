namespace Polly.AttemptAwareBreaker.CircuitBreaker.Health;

/// <summary>
/// Counts attempts, operations and rejections over a sliding time window made of a fixed ring of <see cref="BucketCount"/> buckets.
/// Not thread safe: executed under the state machine's lock. Allocates only when created.
/// </summary>
internal sealed class SlidingWindow
{
    internal const int BucketCount = 10;

    private readonly WindowBucket[] _buckets;
    private readonly long _bucketTicks;
    private long _nextBucketId;

    // The bucket of the latest call and the timestamps it covers: most calls land in it, which saves two 64-bit divisions.
    private WindowBucket _current;
    private long _currentStart;
    private long _currentEnd;

    /// <summary>Initializes a new instance of the <see cref="SlidingWindow"/> class.</summary>
    /// <param name="windowTimestampTicks">The window's length in timestamp ticks.</param>
    /// <param name="replaced">The window this one replaces, whose bucket ids it continues: an operation counted in a bucket of the old
    /// window must never find a bucket of the new one by its id.</param>
    public SlidingWindow(long windowTimestampTicks, SlidingWindow? replaced = null)
    {
        _nextBucketId = replaced?._nextBucketId ?? 0;
        _bucketTicks = Math.Max(1, windowTimestampTicks / BucketCount);
        _buckets = new WindowBucket[BucketCount];
        for (var i = 0; i < BucketCount; i++)
        {
            _buckets[i] = new WindowBucket();
        }

        _current = _buckets[0];
    }

    /// <summary>Returns the bucket that covers <paramref name="now"/>, recycling an expired one.</summary>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    /// <returns>The bucket.</returns>
    public WindowBucket Current(long now)
    {
        if (now >= _currentStart && now < _currentEnd)
        {
            return _current;
        }

        var epoch = now / _bucketTicks;
        var bucket = _buckets[(int)(epoch % BucketCount)];
        if (bucket.Epoch != epoch)
        {
            bucket.Recycle(epoch, ++_nextBucketId);
        }

        _current = bucket;
        _currentStart = epoch * _bucketTicks;
        _currentEnd = _currentStart + _bucketTicks;
        return bucket;
    }

    /// <summary>Returns the bucket with the given id when it is still inside the window at <paramref name="now"/>.</summary>
    /// <param name="bucketId">The <see cref="WindowBucket.Id"/> of the bucket.</param>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    /// <returns>The bucket, or <see langword="null"/> when it was recycled or left the window.</returns>
    public WindowBucket? Find(long bucketId, long now)
    {
        var oldest = Oldest(now);
        foreach (var bucket in _buckets)
        {
            if (bucket.Id == bucketId)
            {
                return bucket.Epoch > oldest ? bucket : null;
            }
        }

        return null;
    }

    /// <summary>Forgets every count.</summary>
    public void Reset()
    {
        foreach (var bucket in _buckets)
        {
            bucket.Recycle(-1, ++_nextBucketId);
        }

        _currentStart = _currentEnd = 0;
    }

    /// <summary>Adds up the statistics of the buckets inside the window at <paramref name="now"/>.</summary>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    /// <param name="attempts">The attempts by class.</param>
    /// <param name="operations">The operations by the class of their latest attempt.</param>
    /// <param name="rejections">The rejected calls.</param>
    /// <param name="slow">The slow attempts.</param>
    public void Sum(long now, out OutcomeCounts attempts, out OutcomeCounts operations, out long rejections, out long slow)
    {
        var oldest = Oldest(now);
        long a0 = 0, a1 = 0, a2 = 0, a3 = 0, o0 = 0, o1 = 0, o2 = 0, o3 = 0;
        rejections = 0;
        slow = 0;
        foreach (var b in _buckets)
        {
            if (b.Epoch <= oldest)
            {
                continue;
            }

            a0 += b.Attempts[0];
            a1 += b.Attempts[1];
            a2 += b.Attempts[2];
            a3 += b.Attempts[3];
            o0 += b.Operations[0];
            o1 += b.Operations[1];
            o2 += b.Operations[2];
            o3 += b.Operations[3];
            rejections += b.Rejections;
            slow += b.Slow;
        }

        attempts = new OutcomeCounts(a0, a1, a2, a3);
        operations = new OutcomeCounts(o0, o1, o2, o3);
    }

    /// <summary>
    /// Adds up the outcomes the trip rules judge (those of attempts admitted by the circuit's current generation) inside the window at
    /// <paramref name="now"/>.
    /// </summary>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    /// <param name="successes">The successful attempts.</param>
    /// <param name="failures">The failed attempts.</param>
    /// <param name="slow">The slow attempts among them.</param>
    /// <param name="rejections">The rejected calls.</param>
    public void SumHealth(long now, out long successes, out long failures, out long slow, out long rejections)
    {
        var oldest = Oldest(now);
        successes = failures = slow = rejections = 0;
        foreach (var b in _buckets)
        {
            if (b.Epoch > oldest)
            {
                successes += b.HealthSuccesses;
                failures += b.HealthFailures;
                slow += b.HealthSlow;
                rejections += b.Rejections;
            }
        }
    }

    private long Oldest(long now) => (now / _bucketTicks) - BucketCount;
}
