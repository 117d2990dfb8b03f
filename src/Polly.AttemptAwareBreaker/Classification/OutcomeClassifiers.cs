using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker;

/// <summary>
/// Ready-made outcome classifiers and adapters.
/// </summary>
public static class OutcomeClassifiers
{
    /// <summary>
    /// The default classification: a result is a <see cref="OutcomeClass.Success"/>; the caller's own cancellation
    /// (an <see cref="OperationCanceledException"/> while the context's token is cancelled) is <see cref="OutcomeClass.Ignored"/>;
    /// any other exception is a <see cref="OutcomeClass.TransientFailure"/>.
    /// </summary>
    /// <typeparam name="TResult">The type of the result.</typeparam>
    /// <param name="args">The classifier arguments.</param>
    /// <returns>The class of the outcome.</returns>
    [IgnoresDuration]
    public static ValueTask<OutcomeClass> Default<TResult>(OutcomeClassifierArguments<TResult> args)
        => new(ClassifyException(args.Outcome.Exception, args.Context) ?? OutcomeClass.Success);

    /// <summary>
    /// Builds a classifier from a Polly <c>ShouldHandle</c> predicate: handled outcomes are <see cref="OutcomeClass.TransientFailure"/>,
    /// the caller's own cancellation is <see cref="OutcomeClass.Ignored"/>, everything else is <see cref="OutcomeClass.Success"/>.
    /// </summary>
    /// <typeparam name="TResult">The type of the result.</typeparam>
    /// <param name="shouldHandle">The Polly predicate, for example <see cref="CircuitBreakerStrategyOptions{TResult}.ShouldHandle"/>.</param>
    /// <returns>A classifier.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="shouldHandle"/> is <see langword="null"/>.</exception>
    public static Func<OutcomeClassifierArguments<TResult>, ValueTask<OutcomeClass>> FromShouldHandle<TResult>(
        Func<CircuitBreakerPredicateArguments<TResult>, ValueTask<bool>> shouldHandle)
    {
        Guard.NotNull(shouldHandle);

        return [IgnoresDuration] (args) =>
        {
            if (IsCallerCancellation(args.Outcome.Exception, args.Context))
            {
                return new(OutcomeClass.Ignored);
            }

            var handled = shouldHandle(new CircuitBreakerPredicateArguments<TResult>(args.Context, args.Outcome));
            if (handled is { IsCompletedSuccessfully: true, Result: var isHandled })
            {
                return new(isHandled ? OutcomeClass.TransientFailure : OutcomeClass.Success);
            }

            return AwaitHandled(handled);
        };

        static async ValueTask<OutcomeClass> AwaitHandled(ValueTask<bool> handled)
            => await handled.ConfigureAwait(false) ? OutcomeClass.TransientFailure : OutcomeClass.Success;
    }

    /// <summary>
    /// Returns <see langword="true"/> when <paramref name="exception"/> is the caller's own cancellation:
    /// an <see cref="OperationCanceledException"/> while the token of <paramref name="context"/> is cancelled.
    /// </summary>
    /// <param name="exception">The exception of the outcome, if any.</param>
    /// <param name="context">The context of the execution.</param>
    /// <returns><see langword="true"/> for the caller's own cancellation.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="context"/> is <see langword="null"/>.</exception>
    public static bool IsCallerCancellation(Exception? exception, ResilienceContext context)
    {
        Guard.NotNull(context);
        return exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested;
    }

    private static OutcomeClass? ClassifyException(Exception? exception, ResilienceContext context) => exception switch
    {
        null => null,
        OperationCanceledException when context.CancellationToken.IsCancellationRequested => OutcomeClass.Ignored,
        _ => OutcomeClass.TransientFailure,
    };
}
