use std::{future::Future, rc::Rc};

use futures::{future::LocalBoxFuture, FutureExt};

use crate::ClerkError;

/// An async action passed to a child component (compared by identity).
pub struct Action<T>(Rc<dyn Fn(T) -> LocalBoxFuture<'static, Result<(), ClerkError>>>);

impl<T> Action<T> {
    pub fn new<F, Fut>(f: F) -> Self
    where
        F: Fn(T) -> Fut + 'static,
        Fut: Future<Output = Result<(), ClerkError>> + 'static,
    {
        Action(Rc::new(move |t| f(t).boxed_local()))
    }

    pub fn run(&self, t: T) -> LocalBoxFuture<'static, Result<(), ClerkError>> {
        (self.0)(t)
    }
}

impl<T> Clone for Action<T> {
    fn clone(&self) -> Self {
        Action(self.0.clone())
    }
}

impl<T> PartialEq for Action<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
