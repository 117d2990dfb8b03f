using System.Reflection;
using Polly.AttemptAwareBreaker.CircuitBreaker.Operations;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Operations;

public class OperationTrackerTests
{
    private readonly OperationTracker _tracker = new();

    [Fact]
    public void Get_NewContext_StartsAFreshRecordOwnedByTheTracker()
    {
        var record = _tracker.Get(NewContext());

        Assert.Equal((0, -1, 0), (record.Attempts, record.CountedClass, record.ActiveDepth));
        Assert.Same(_tracker, record.Owner);
    }

    [Fact]
    public void Get_SameContextAgain_SameRecordWithItsCounts()
    {
        var context = NewContext();
        var first = _tracker.Get(context);
        first.Attempts = 2;

        var again = _tracker.Get(context);

        Assert.Same(first, again);
        Assert.Equal(2, again.Attempts);
    }

    [Fact]
    public void Get_AnotherContext_AnotherRecord()
    {
        var first = _tracker.Get(NewContext());

        Assert.NotSame(first, _tracker.Get(NewContext()));
    }

    [Fact]
    public void Get_SecondTrackerOnTheSameContext_KeepsItsOwnRecord()
    {
        var context = NewContext();
        var first = _tracker.Get(context);
        var second = new OperationTracker();

        var own = second.Get(context);

        Assert.NotSame(first, own);
        Assert.Same(second, own.Owner);
    }

    [Fact]
    public void Get_SecondTrackerAgain_FindsItsOwnRecord()
    {
        var context = NewContext();
        _tracker.Get(context);
        var second = new OperationTracker();
        var own = second.Get(context);
        own.Attempts = 3;

        Assert.Same(own, second.Get(context));
    }

    [Fact]
    public void Get_AfterASecondTracker_FirstTrackerStillFindsItsRecord()
    {
        var context = NewContext();
        var first = _tracker.Get(context);
        first.Attempts = 1;
        new OperationTracker().Get(context).Attempts = 5;

        var again = _tracker.Get(context);

        Assert.Same(first, again);
        Assert.Equal(1, again.Attempts);
    }

    [Fact]
    public void Get_PooledContextReturnedAndReused_StartsAFreshOperation()
    {
        var context = NewContext();
        var record = _tracker.Get(context);
        record.Attempts = 3;
        record.CountedClass = (int)OutcomeClass.TransientFailure;
        record.CountedBucketId = 7;
        ReturnToPoolAndReuse(context);

        var next = _tracker.Get(context);

        Assert.Equal((0, -1, 0L), (next.Attempts, next.CountedClass, next.CountedBucketId));
    }

    [Fact]
    public void Get_PooledContextReturnedAndReused_ReusesTheRecordObject()
    {
        var context = NewContext();
        var record = _tracker.Get(context);
        ReturnToPoolAndReuse(context);

        Assert.Same(record, _tracker.Get(context));
    }

    [Fact]
    public void Get_MoreContextsThanRecentSlots_EachContextGetsARecordOfItsOwn()
    {
        var contexts = Enumerable.Range(0, (OperationTracker.RecentSlots * 2) + 1).Select(_ => NewContext()).ToArray();

        var records = contexts.Select(_tracker.Get).ToArray();

        Assert.Equal(contexts, records.Select(r => r.Context));
    }

    [Fact]
    public void IsInsideBreaker_NoTrackerSawTheContext_False()
    {
        Assert.False(OperationTracker.IsInsideBreaker(NewContext()));
    }

    [Fact]
    public void IsInsideBreaker_RecordNotActive_False()
    {
        var context = NewContext();
        _tracker.Get(context);

        Assert.False(OperationTracker.IsInsideBreaker(context));
    }

    [Fact]
    public void IsInsideBreaker_RecordActive_True()
    {
        var context = NewContext();
        _tracker.Get(context).ActiveDepth++;

        Assert.True(OperationTracker.IsInsideBreaker(context));
    }

    [Fact]
    public void IsInsideBreaker_ActiveBreakerLeft_False()
    {
        var context = NewContext();
        var record = _tracker.Get(context);
        record.ActiveDepth++;

        record.ActiveDepth--;

        Assert.False(OperationTracker.IsInsideBreaker(context));
    }

    private static ResilienceContext NewContext() => ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);

    /// <summary>
    /// What the pool does to a context it takes back (Polly's internal <c>ResilienceContext.Reset</c>: the properties are cleared) before
    /// it hands the same object out again. Done directly, because other tests share the pool and may be handed the context first.
    /// </summary>
    private static void ReturnToPoolAndReuse(ResilienceContext context)
        => typeof(ResilienceContext).GetMethod("Reset", BindingFlags.Instance | BindingFlags.NonPublic)!.Invoke(context, null);
}
