import { createResource, createSignal, For, Show } from 'solid-js';
import type { AdminApi, UserInfo } from '../lib/admin.ts';
import { ROLES, type Role } from '../lib/auth/stored-session.ts';
import { PASSWORD_RULE, passwordProblems, userNameProblems } from '../lib/auth/password-rules.ts';

const when = (ms: number) => new Date(ms).toLocaleString();

/** Accounts: list, add (user, password, role), change role or password, delete. Admin only. */
export function UsersAdmin(props: { admin: AdminApi; self: string; onError: (text: string) => void }) {
  const [users, { refetch }] = createResource(() => props.admin.users());
  const run = async (what: () => Promise<void>): Promise<boolean> => {
    props.onError('');
    try {
      await what();
      return true;
    } catch (e) {
      props.onError(e instanceof Error ? e.message : String(e));
      return false;
    } finally {
      void refetch();
    }
  };
  return (
    <section aria-label="Users" data-testid="users-admin">
      <h2>Users</h2>
      <Show when={users.error}>
        <p class="error">Users unavailable: {String(users.error)}</p>
      </Show>
      <table>
        <thead>
          <tr>
            <th>User</th>
            <th>Role</th>
            <th>Changed</th>
            <th>Password</th>
            <th />
          </tr>
        </thead>
        <tbody>
          <For each={users() ?? []}>{(u) => <UserRow user={u} self={props.self} admin={props.admin} run={run} />}</For>
        </tbody>
      </table>
      <AddUser admin={props.admin} run={run} />
    </section>
  );
}

function UserRow(props: {
  user: UserInfo;
  self: string;
  admin: AdminApi;
  run: (what: () => Promise<void>) => Promise<boolean>;
}) {
  const [password, setPassword] = createSignal('');
  const [confirming, setConfirming] = createSignal(false);
  const name = () => props.user.user;
  return (
    <tr data-testid="user-row" data-user={name()}>
      <td>{name()}</td>
      <td>
        <select
          data-testid="user-role"
          aria-label={`Role of ${name()}`}
          value={props.user.role}
          onChange={(e) => {
            const [admin, user, role] = [props.admin, name(), e.currentTarget.value as Role];
            void props.run(() => admin.changeUser(user, { role }));
          }}
        >
          <For each={[...ROLES]}>{(r) => <option value={r}>{r}</option>}</For>
        </select>
      </td>
      <td>{when(props.user.updatedAt)}</td>
      <td>
        <input
          type="password"
          data-testid="user-new-password"
          aria-label={`New password for ${name()}`}
          placeholder={props.user.hasPassword ? 'New password' : 'No password (link login only)'}
          autocomplete="new-password"
          value={password()}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        <button
          data-testid="user-set-password"
          disabled={passwordProblems(password(), password(), name()).length > 0}
          onClick={() => {
            const [admin, user, pw] = [props.admin, name(), password()];
            void props.run(() => admin.changeUser(user, { password: pw })).then(() => setPassword(''));
          }}
        >
          Set
        </button>
      </td>
      <td>
        <Show
          when={confirming()}
          fallback={
            <button data-testid="user-delete" disabled={name() === props.self} onClick={() => setConfirming(true)}>
              Delete
            </button>
          }
        >
          <button
            data-testid="user-delete-confirm"
            onClick={() => {
              const [admin, user] = [props.admin, name()];
              void props.run(() => admin.deleteUser(user));
            }}
          >
            Really delete {name()}
          </button>
          <button onClick={() => setConfirming(false)}>Cancel</button>
        </Show>
      </td>
    </tr>
  );
}

function AddUser(props: { admin: AdminApi; run: (what: () => Promise<void>) => Promise<boolean> }) {
  const [user, setUser] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [role, setRole] = createSignal<Role>('operator');
  const problems = () =>
    user() || password()
      ? [...userNameProblems(user().trim().toLowerCase()), ...passwordProblems(password(), password(), user())]
      : [];
  const add = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    if (problems().length > 0 || !user()) return;
    const [admin, name, pw, r] = [props.admin, user().trim().toLowerCase(), password(), role()];
    if (await props.run(() => admin.addUser(name, pw, r))) {
      setUser('');
      setPassword('');
    }
  };
  return (
    <form class="row" data-testid="add-user" onSubmit={(e) => void add(e)}>
      <input
        data-testid="add-user-name"
        placeholder="User name"
        autocapitalize="none"
        value={user()}
        onInput={(e) => setUser(e.currentTarget.value)}
      />
      <input
        data-testid="add-user-password"
        type="password"
        placeholder="Password"
        autocomplete="new-password"
        title={PASSWORD_RULE}
        value={password()}
        onInput={(e) => setPassword(e.currentTarget.value)}
      />
      <select data-testid="add-user-role" value={role()} onChange={(e) => setRole(e.currentTarget.value as Role)}>
        <For each={[...ROLES]}>{(r) => <option value={r}>{r}</option>}</For>
      </select>
      <button type="submit" data-testid="add-user-submit" disabled={problems().length > 0 || !user()}>
        Add user
      </button>
      <Show when={problems().length > 0}>
        <small class="warn">{problems().join(' ')}</small>
      </Show>
    </form>
  );
}
