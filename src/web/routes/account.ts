import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requestPasswordReset, resetPassword, signIn, signUp, verifyEmail } from '../../community/accounts.js';
import { CommunityError } from '../../community/errors.js';
import { createSession, endSession, SESSION_LIFETIME_MS } from '../../community/sessions.js';
import { passwordResetMail, verificationMail } from '../../community/account-mails.js';
import type { BackgroundWork } from '../background-work.js';
import { secureCookies, viewerOf, type WebDeps } from '../deps.js';
import { formString } from '../forms.js';
import type { Html } from '../../html.js';
import { forgotPasswordPage, messagePage, resetPasswordPage, signInPage, signUpPage, verifyEmailPage } from '../pages/account.js';
import { sitePath } from '../redirects.js';
import { refusalStatus } from '../refusals.js';
import { authLimited, clearSessionCookie, emailTarget, formToken, LIMITS, sessionToken, setSessionCookie } from '../security.js';

/** The emailed token a confirmation link carries: what the form acts on. */
const tokenInQuery = (request: FastifyRequest) => {
  const token = (request.query as { token?: unknown }).token;
  return typeof token === 'string' ? token.slice(0, 200) : '';
};

function send(reply: FastifyReply, body: Html, status = 200) {
  return reply.code(status).type('text/html; charset=utf-8').send(body.value);
}

export function registerAccountRoutes(app: FastifyInstance, deps: WebDeps & { background: BackgroundWork }): void {
  const { db, mailer, config, log } = deps;
  const secure = secureCookies(config);
  const baseUrl = config.baseUrl.replace(/\/$/, '');

  const startSession = async (reply: FastifyReply, userId: number) => {
    const session = await createSession(db, userId);
    setSessionCookie(reply, session.token, secure, SESSION_LIFETIME_MS / 1000);
  };

  app.get('/signup', async (request, reply) => send(reply, signUpPage(viewerOf(request, reply))));
  app.post('/signup', authLimited(app, 'signup', LIMITS.signUp, emailTarget('email')), async (request, reply) => {
    const values = { displayName: formString(request.body, 'displayName', 200), email: formString(request.body, 'email', 400) };
    try {
      const { user, verificationToken } = await signUp(db, { ...values, password: formString(request.body, 'password', 1000) });
      await mailer.send(verificationMail({ to: user.email, displayName: user.displayName, token: verificationToken, baseUrl }));
      await startSession(reply, user.id);
      return send(reply, messagePage({ user, csrf: formToken(reply) }, 'Check your inbox', `We have sent a link to ${user.email}. Follow it to confirm your address; then you can vote, comment and submit papers.`));
    } catch (error) {
      if (!(error instanceof CommunityError)) throw error;
      const errors = error.field ? { [error.field]: error.message } : {};
      return send(reply, signUpPage(viewerOf(request, reply), { values, errors, message: error.message }), refusalStatus(error));
    }
  });

  app.get<{ Querystring: { next?: string } }>('/signin', async (request, reply) =>
    send(reply, signInPage(viewerOf(request, reply), {}, sitePath(request.query.next))),
  );
  app.post('/signin', authLimited(app, 'signin', LIMITS.signIn, emailTarget('email')), async (request, reply) => {
    const email = formString(request.body, 'email', 400);
    const next = sitePath(formString(request.body, 'next', 500));
    try {
      const user = await signIn(db, email, formString(request.body, 'password', 1000));
      await startSession(reply, user.id);
      return reply.redirect(next, 303);
    } catch (error) {
      if (!(error instanceof CommunityError)) throw error;
      return send(reply, signInPage(viewerOf(request, reply), { values: { email }, message: error.message }, next), refusalStatus(error));
    }
  });

  app.post('/signout', { preHandler: app.csrfProtection }, async (request, reply) => {
    const token = sessionToken(request);
    if (token) await endSession(db, token);
    clearSessionCookie(reply);
    return reply.redirect('/', 303);
  });

  // Following the link shows a button; only the POST spends the token, so mail scanners and
  // link previews that fetch every URL in a message cannot confirm an address (or use up its link).
  app.get<{ Querystring: { token?: string } }>('/verify-email', async (request, reply) =>
    send(reply.header('Cache-Control', 'no-store'), verifyEmailPage(viewerOf(request, reply), request.query.token ?? '')),
  );
  app.post<{ Querystring: { token?: string } }>('/verify-email', authLimited(app, 'verify-email', LIMITS.passwordReset, tokenInQuery), async (request, reply) => {
    const user = await verifyEmail(db, request.query.token ?? '');
    return send(reply, messagePage({ user, csrf: formToken(reply) }, 'Address confirmed', `Thank you, ${user.displayName}: ${user.email} is confirmed.`, { href: '/', text: "Go to today's papers" }));
  });

  app.get('/forgot-password', async (request, reply) => send(reply, forgotPasswordPage(viewerOf(request, reply))));
  app.post('/forgot-password', authLimited(app, 'forgot-password', LIMITS.passwordReset, emailTarget('email')), async (request, reply) => {
    const email = formString(request.body, 'email', 400);
    // The same answer either way, and in the same time: looking the address up, writing the token
    // and sending the mail all happen after it, so neither the page nor its timing tells who has an account.
    deps.background.start('password reset', async () => {
      const issued = await requestPasswordReset(db, email);
      if (!issued) return;
      await mailer.send(passwordResetMail({ to: issued.user.email, displayName: issued.user.displayName, token: issued.token, baseUrl }));
      log.info({ user: issued.user.id }, 'password reset link sent');
    });
    return send(reply, forgotPasswordPage(viewerOf(request, reply), { sent: true }));
  });

  app.get<{ Querystring: { token?: string } }>('/reset-password', async (request, reply) =>
    send(reply, resetPasswordPage(viewerOf(request, reply), request.query.token ?? '')),
  );
  app.post('/reset-password', authLimited(app, 'reset-password', LIMITS.passwordReset, (request) => formString(request.body, 'token', 200)), async (request, reply) => {
    const token = formString(request.body, 'token', 200);
    try {
      const user = await resetPassword(db, token, formString(request.body, 'password', 1000));
      await startSession(reply, user.id);
      return send(reply, messagePage({ user, csrf: formToken(reply) }, 'Password changed', 'Your new password is saved, and every other session of yours was signed out.', { href: '/', text: "Go to today's papers" }));
    } catch (error) {
      if (!(error instanceof CommunityError)) throw error;
      const errors = error.field ? { [error.field]: error.message } : {};
      return send(reply, resetPasswordPage(viewerOf(request, reply), token, { errors, message: error.message }), refusalStatus(error));
    }
  });
}
