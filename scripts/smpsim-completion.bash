# Bash completion for smpsim: commands, benchmarks, options, the words an option takes, scene
# files (*.json) for SCENE and files or directories for the options that take them.
#
#   source scripts/smpsim-completion.bash    # in ~/.bashrc, or copy it as
#                                            # ~/.local/share/bash-completion/completions/smpsim
#
# The options are not copied here: each completion asks the program being completed
# (`smpsim CMD --list-options`, printed from the same option tables as --help, and
# `smpsim --list-commands`), so what it offers is what that build accepts.

_smpsim() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=""
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    local prog=${COMP_WORDS[0]/#\~/$HOME}
    # "--gl=e": bash splits at '=', so the option is the word before the '='
    if [[ $cur == "=" ]]; then
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        cur=""
    elif [[ $prev == "=" ]] && ((COMP_CWORD > 1)); then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi
    COMPREPLY=()

    local cmd="" sub="" i w
    for ((i = 1; i < COMP_CWORD; ++i)); do
        w=${COMP_WORDS[i]}
        if [[ -z $cmd ]]; then
            [[ $w == -* ]] && return 0 # smpsim --help, --version: nothing follows
            cmd=$w
        elif [[ $cmd == bench && -z $sub ]]; then
            if [[ $w == -* ]]; then
                sub=render # "bench --json" is "bench render --json"
            else
                sub=$w
            fi
        fi
    done

    if [[ -z $cmd ]]; then
        local commands
        commands=$("$prog" --list-commands 2>/dev/null)
        COMPREPLY=($(compgen -W "$commands help --help --version" -- "$cur"))
        return 0
    fi
    if [[ $cmd == help ]]; then
        ((COMP_CWORD == 2)) && COMPREPLY=($(compgen -W "$("$prog" --list-commands 2>/dev/null)" -- "$cur"))
        return 0
    fi
    if [[ $cmd == bench && -z $sub && $cur != -* ]]; then
        COMPREPLY=($(compgen -W "$("$prog" bench --list-commands 2>/dev/null)" -- "$cur"))
        return 0
    fi

    local rows
    rows=$("$prog" "$cmd" ${sub:+"$sub"} --list-options 2>/dev/null) || return 0

    # the value of the option before the cursor
    local name kind words
    if [[ $prev == -* ]]; then
        while read -r name kind words; do
            [[ $name == "$prev" ]] || continue
            case $kind in
            flag) break ;;
            word) COMPREPLY=($(compgen -W "$words" -- "$cur")) ;;
            file) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
            dir) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
            esac
            return 0
        done <<<"$rows"
    fi

    if [[ $cur == -* ]]; then
        local options=""
        while read -r name kind words; do
            [[ $name == -* ]] && options+=" $name"
        done <<<"$rows"
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
        return 0
    fi

    # the operand: a scene file, or any file
    while read -r name kind words; do
        [[ $name == @operand ]] || continue
        compopt -o filenames 2>/dev/null
        if [[ $kind == scene ]]; then
            COMPREPLY=($(compgen -d -- "$cur") $(compgen -f -X '!*.json' -- "$cur"))
        else
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        return 0
    done <<<"$rows"
    return 0
}

complete -F _smpsim smpsim
