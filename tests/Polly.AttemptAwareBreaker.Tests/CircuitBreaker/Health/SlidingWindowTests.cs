using Polly.AttemptAwareBreaker.CircuitBreaker.Health;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Health;

/// <summary>
/// The sliding window on raw timestamps: a window of 100 ticks is ten buckets of 10 ticks, and the window at timestamp t holds the
/// buckets of t's slice and the nine before it (at t = 100 the bucket of 0..9 has just left).
/// </summary>
public class SlidingWindowTests
{
    private readonly SlidingWindow _window = new(100);

    [Fact]
    public void Current_SameSlice_ReturnsTheSameBucket()
    {
        var first = _window.Current(10);

        Assert.Same(first, _window.Current(19));
    }

    [Fact]
    public void Current_NextSlice_ReturnsAnotherBucket()
    {
        var first = _window.Current(19);

        Assert.NotSame(first, _window.Current(20));
    }

    [Fact]
    public void Current_SliceOneWindowLater_ReusesTheBucketEmpty()
    {
        var first = CountEverything(5);

        var later = _window.Current(105);

        Assert.Same(first, later);
        Assert.Equal((0, 0, 0, 0), (later.Attempts[(int)OutcomeClass.Success], later.Rejections, later.HealthSuccesses, later.HealthFailures));
    }

    [Fact]
    public void Current_SliceOneWindowLater_GivesTheBucketANewId()
    {
        var firstId = _window.Current(5).Id;

        var later = _window.Current(105);

        Assert.NotEqual(firstId, later.Id);
    }

    [Fact]
    public void Current_WindowShorterThanTenTicks_UsesOneTickBuckets()
    {
        var window = new SlidingWindow(5);

        var first = window.Current(0);

        Assert.NotSame(first, window.Current(1));
    }

    [Fact]
    public void Sum_BucketJustInsideTheWindow_Counted()
    {
        CountAttempt(0, OutcomeClass.TransientFailure);

        _window.Sum(99, out var attempts, out _, out _, out _);

        Assert.Equal(1, attempts.TransientFailures);
    }

    [Fact]
    public void Sum_BucketExactlyAtTheWindowEdge_NotCounted()
    {
        CountAttempt(0, OutcomeClass.TransientFailure);

        _window.Sum(100, out var attempts, out _, out _, out _);

        Assert.Equal(0, attempts.Total);
    }

    [Fact]
    public void Sum_SeveralBucketsInsideTheWindow_AddsAttemptsOperationsAndRejectionsOfEach()
    {
        foreach (var (at, cls) in new[] { (0L, OutcomeClass.Success), (45L, OutcomeClass.PermanentFailure), (99L, OutcomeClass.Ignored) })
        {
            var bucket = _window.Current(at);
            bucket.Attempts[(int)cls]++;
            bucket.Operations[(int)cls] += 2;
            bucket.Rejections += 3;
        }

        _window.Sum(99, out var attempts, out var operations, out var rejections, out _);

        Assert.Equal(new OutcomeCounts(1, 0, 1, 1), attempts);
        Assert.Equal(new OutcomeCounts(2, 0, 2, 2), operations);
        Assert.Equal(9, rejections);
    }

    [Fact]
    public void SumHealth_AttemptsNotJudged_NotCounted()
    {
        var bucket = _window.Current(0);
        bucket.Attempts[(int)OutcomeClass.Success] = 3;
        bucket.Attempts[(int)OutcomeClass.TransientFailure] = 4;
        bucket.HealthSuccesses = 1;
        bucket.HealthFailures = 2;

        _window.SumHealth(0, out var successes, out var failures, out _, out _);

        Assert.Equal((1L, 2L), (successes, failures));
    }

    [Fact]
    public void SumHealth_BucketJustInsideTheWindow_Counted()
    {
        _window.Current(0).HealthFailures++;

        _window.SumHealth(99, out _, out var failures, out _, out _);

        Assert.Equal(1, failures);
    }

    [Fact]
    public void SumHealth_BucketExactlyAtTheWindowEdge_NotCounted()
    {
        _window.Current(0).HealthFailures++;

        _window.SumHealth(100, out _, out var failures, out _, out _);

        Assert.Equal(0, failures);
    }

    [Fact]
    public void Find_BucketJustInsideTheWindow_ReturnsIt()
    {
        var bucket = _window.Current(0);

        Assert.Same(bucket, _window.Find(bucket.Id, 99));
    }

    [Fact]
    public void Find_BucketExactlyAtTheWindowEdge_ReturnsNull()
    {
        var id = _window.Current(0).Id;

        Assert.Null(_window.Find(id, 100));
    }

    [Fact]
    public void Find_RecycledBucket_OldIdNoLongerFound()
    {
        var id = _window.Current(0).Id;
        _window.Current(100);

        Assert.Null(_window.Find(id, 100));
    }

    [Fact]
    public void Find_RecycledBucket_NewIdFound()
    {
        _window.Current(0);
        var recycled = _window.Current(100);

        Assert.Same(recycled, _window.Find(recycled.Id, 100));
    }

    [Fact]
    public void Reset_CountsInsideTheWindow_ForgetsThem()
    {
        CountEverything(0);

        _window.Reset();

        _window.Sum(0, out var attempts, out _, out var rejections, out _);
        _window.SumHealth(0, out _, out var failures, out _, out _);
        Assert.Equal((0L, 0L, 0L), (attempts.Total, rejections, failures));
    }

    [Fact]
    public void Reset_BucketsBefore_OldIdsNoLongerFound()
    {
        var id = _window.Current(0).Id;

        _window.Reset();

        Assert.Null(_window.Find(id, 0));
    }

    [Fact]
    public void Reset_AfterSeveralSlices_OldIdsNoLongerFound()
    {
        var id = _window.Current(0).Id;
        _window.Current(10);
        _window.Current(20);

        _window.Reset();

        Assert.Null(_window.Find(id, 20));
    }

    [Fact]
    public void Reset_SameSliceAfterwards_CountsFromZeroInThatSlice()
    {
        CountAttempt(5, OutcomeClass.Success);
        _window.Reset();

        CountAttempt(5, OutcomeClass.Success);

        // Still inside the window at 99 only if the bucket took the slice again rather than keeping the reset's empty mark.
        _window.Sum(99, out var attempts, out _, out _, out _);
        Assert.Equal(1, attempts.Successes);
    }

    /// <summary>Counts a success, a rejection, a judged success and a judged failure in the bucket of <paramref name="at"/>.</summary>
    private WindowBucket CountEverything(long at)
    {
        var bucket = _window.Current(at);
        bucket.Attempts[(int)OutcomeClass.Success]++;
        bucket.Rejections++;
        bucket.HealthSuccesses++;
        bucket.HealthFailures++;
        return bucket;
    }

    private void CountAttempt(long at, OutcomeClass outcomeClass) => _window.Current(at).Attempts[(int)outcomeClass]++;
}
