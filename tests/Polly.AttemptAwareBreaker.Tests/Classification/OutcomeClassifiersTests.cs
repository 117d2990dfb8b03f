namespace Polly.AttemptAwareBreaker.Tests.Classification;

public class OutcomeClassifiersTests
{
    [Fact]
    public async Task Default_Result_IsSuccess()
        => Assert.Equal(OutcomeClass.Success, await OutcomeClassifiers.Default(Args(Outcome.FromResult(1))));

    [Fact]
    public async Task Default_Exception_IsTransientFailure()
        => Assert.Equal(OutcomeClass.TransientFailure, await OutcomeClassifiers.Default(Args(Outcome.FromException<int>(new TimeoutException()))));

    [Fact]
    public async Task Default_CallerCancellation_IsIgnored()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var result = await OutcomeClassifiers.Default(Args(Outcome.FromException<int>(new OperationCanceledException(cts.Token)), cts.Token));

        Assert.Equal(OutcomeClass.Ignored, result);
    }

    [Fact]
    public async Task Default_CancellationNotRequestedByCaller_IsTransientFailure()
        => Assert.Equal(OutcomeClass.TransientFailure, await OutcomeClassifiers.Default(Args(Outcome.FromException<int>(new TaskCanceledException()))));

    [Fact]
    public async Task FromShouldHandle_Handled_IsTransientFailure()
    {
        var classifier = OutcomeClassifiers.FromShouldHandle<int>(args => new(args.Outcome.Result == 500));

        Assert.Equal(OutcomeClass.TransientFailure, await classifier(Args(Outcome.FromResult(500))));
        Assert.Equal(OutcomeClass.Success, await classifier(Args(Outcome.FromResult(200))));
    }

    [Fact]
    public async Task FromShouldHandle_AsyncPredicate_IsAwaited()
    {
        var classifier = OutcomeClassifiers.FromShouldHandle<int>(async args =>
        {
            await Task.Yield();
            return args.Outcome.Result == 500;
        });

        Assert.Equal(OutcomeClass.TransientFailure, await classifier(Args(Outcome.FromResult(500))));
    }

    [Fact]
    public void FromShouldHandle_Null_ThrowsArgumentNullException()
        => Assert.Throws<ArgumentNullException>("shouldHandle", () => OutcomeClassifiers.FromShouldHandle<int>(null!));

    private static OutcomeClassifierArguments<int> Args(Outcome<int> outcome, CancellationToken token = default)
        => new(ResilienceContextPool.Shared.Get(token), outcome, 0);

    [Theory]
    [InlineData(true, OutcomeClass.TransientFailure)]
    [InlineData(false, OutcomeClass.Success)]
    public async Task FromShouldHandle_PredicateCompletesLater_ClassifiesByItsAnswer(bool handled, OutcomeClass expected)
    {
        var classifier = OutcomeClassifiers.FromShouldHandle<int>(async _ =>
        {
            await Task.Yield();
            return handled;
        });
        var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);

        var outcomeClass = await classifier(new OutcomeClassifierArguments<int>(context, Outcome.FromResult(500), 0));

        Assert.Equal(expected, outcomeClass);
    }

    [Fact]
    public void IsCallerCancellation_CancellationWhileTokenNotCancelled_IsFalse()
    {
        var context = ResilienceContextPool.Shared.Get(CancellationToken.None);

        Assert.False(OutcomeClassifiers.IsCallerCancellation(new OperationCanceledException(), context));
    }

    [Fact]
    public void IsCallerCancellation_OtherExceptionWhileTokenCancelled_IsFalse()
    {
        var context = ResilienceContextPool.Shared.Get(new CancellationToken(canceled: true));

        Assert.False(OutcomeClassifiers.IsCallerCancellation(new TimeoutException(), context));
    }
}
