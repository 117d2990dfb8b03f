namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// Counts attempts, operations and rejections over a sliding time window made of a fixed ring of buckets.
/// Not thread safe: the controller guards it with its lock. Allocates only when created.
/// </summary>
internal sealed class SlidingWindow
{
    internal const int BucketCount = 10;

    private readonly Bucket[] _buckets;
    private readonly long _bucketTicks;
    private long _nextBucketId;

    // The bucket of the latest call and the timestamps it covers: most calls land in it, which saves two 64-bit divisions.
    private Bucket _current;
    private long _currentStart;
    private long _currentEnd;

    public SlidingWindow(long windowTimestampTicks)
    {
        _bucketTicks = Math.Max(1, windowTimestampTicks / BucketCount);
        _buckets = new Bucket[BucketCount];
        for (var i = 0; i < BucketCount; i++)
        {
            _buckets[i] = new Bucket();
        }

        _current = _buckets[0];
    }

    /// <summary>Returns the bucket that covers <paramref name="now"/>, recycling an expired one.</summary>
    public Bucket Current(long now)
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
    public Bucket? Find(long bucketId, long now)
    {
        var oldest = (now / _bucketTicks) - BucketCount;
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

    /// <summary>Adds up the buckets inside the window at <paramref name="now"/>.</summary>
    public void Sum(long now, out OutcomeCounts attempts, out OutcomeCounts operations, out long rejections)
    {
        var oldest = (now / _bucketTicks) - BucketCount;
        long a0 = 0, a1 = 0, a2 = 0, a3 = 0, o0 = 0, o1 = 0, o2 = 0, o3 = 0;
        rejections = 0;
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
        }

        attempts = new OutcomeCounts(a0, a1, a2, a3);
        operations = new OutcomeCounts(o0, o1, o2, o3);
    }

    /// <summary>Adds up the counted (success and failure) attempts inside the window at <paramref name="now"/>.</summary>
    public void SumHealth(long now, out long successes, out long failures)
    {
        var oldest = (now / _bucketTicks) - BucketCount;
        successes = 0;
        failures = 0;
        foreach (var b in _buckets)
        {
            if (b.Epoch > oldest)
            {
                successes += b.Attempts[(int)OutcomeClass.Success];
                failures += b.Attempts[(int)OutcomeClass.TransientFailure] + b.Attempts[(int)OutcomeClass.PermanentFailure];
            }
        }
    }

    internal sealed class Bucket
    {
        public long Epoch { get; private set; } = -1;

        public long Id { get; private set; }

        public int[] Attempts { get; } = new int[4];

        public int[] Operations { get; } = new int[4];

        public int Rejections { get; set; }

        public void Recycle(long epoch, long id)
        {
            Epoch = epoch;
            Id = id;
            Array.Clear(Attempts, 0, Attempts.Length);
            Array.Clear(Operations, 0, Operations.Length);
            Rejections = 0;
        }
    }
}
